//go:build darwin || dragonfly || freebsd || netbsd || openbsd

// This file implements setCloexec for platforms with ioctl FIOCLEX and
// FIONCLEX: one system call, whatever the other descriptor flags are.

package inherit

import "golang.org/x/sys/unix"

func setCloexec(fd int, cloexec bool) error {
	req := uint(fionclex)
	if cloexec {
		req = fioclex
	}
	return unix.IoctlSetInt(fd, req, 0)
}
