//go:build unix && !(darwin || dragonfly || freebsd || netbsd || openbsd)

// This file implements setCloexec with fcntl for Linux and for platforms
// whose FIOCLEX value this package does not know. On Linux FD_CLOEXEC is
// the only descriptor flag, so F_SETFD alone is one system call, and a
// cheaper one than ioctl FIOCLEX, which passes the ioctl checks first
// (docs/performance.md); elsewhere the other flags are read first and
// kept.

package inherit

import (
	goruntime "runtime"

	"golang.org/x/sys/unix"
)

func setCloexec(fd int, cloexec bool) error {
	flags := 0
	if goruntime.GOOS != "linux" {
		var err error
		if flags, err = unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return err
		}
		flags &^= unix.FD_CLOEXEC
	}
	if cloexec {
		flags |= unix.FD_CLOEXEC
	}
	_, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags)
	return err
}
