//go:build unix && !((linux && (386 || amd64 || arm || arm64 || loong64 || riscv64 || s390x)) || darwin || dragonfly || freebsd || netbsd || openbsd)

// This file implements setCloexec with fcntl for platforms whose FIOCLEX
// value this package does not know. On Linux FD_CLOEXEC is the only
// descriptor flag, so F_SETFD alone is still one system call; elsewhere
// the other flags are read first and kept.

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
