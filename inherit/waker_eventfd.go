//go:build linux

// This file implements NewWaker with eventfd(EFD_CLOEXEC).

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// NewWaker returns a new Waker, built on an eventfd that is close-on-exec
// from the moment it exists.
func NewWaker() (*Waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, os.NewSyscallError("eventfd", err)
	}
	return &Waker{r: fd, w: fd}, nil
}
