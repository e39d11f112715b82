//go:build dragonfly || freebsd || linux || netbsd || openbsd

// This file implements Dup2's close-on-exec form for platforms with
// dup3(O_CLOEXEC).

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

func dup2Cloexec(fd, fd2 int) error {
	if forceFallback.Load() {
		return dup2ForkLock(fd, fd2)
	}
	if err := dupRetrying(func() error { return unix.Dup3(fd, fd2, unix.O_CLOEXEC) }); err != nil {
		return os.NewSyscallError("dup2", err)
	}
	return nil
}
