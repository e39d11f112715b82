//go:build unix && !linux

// This file implements NewWaker with a Pipe, for platforms without eventfd.

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// NewWaker returns a new Waker, built on a Pipe whose ends are
// close-on-exec (see Pipe) and non-blocking.
func NewWaker() (*Waker, error) {
	r, w, err := Pipe()
	if err != nil {
		return nil, err
	}
	for _, fd := range []int{r, w} {
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(r)
			unix.Close(w)
			return nil, os.NewSyscallError("fcntl", err)
		}
	}
	return &Waker{r: r, w: w}, nil
}
