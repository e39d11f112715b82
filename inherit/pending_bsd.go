//go:build darwin || dragonfly || freebsd || netbsd || openbsd

// This file implements Pending for the BSDs and darwin.

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// fionread is FIONREAD, _IOR('f', 127, int), which x/sys does not name on
// these systems.
const fionread = 0x4004667f

// Pending returns how many bytes are waiting to be read from fd, a pipe,
// socket or terminal (ioctl FIONREAD).
func Pending(fd int) (int, error) {
	n, err := unix.IoctlGetInt(fd, fionread)
	if err != nil {
		return 0, os.NewSyscallError("ioctl", err)
	}
	return n, nil
}
