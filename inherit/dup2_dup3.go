//go:build dragonfly || freebsd || linux || netbsd || openbsd

// This file implements Dup2 for platforms with dup3(O_CLOEXEC).

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Dup2 makes fd2 a copy of fd, closing fd2 first if it was open. When
// inheritable is false fd2 is close-on-exec from the moment it exists
// (dup3 with O_CLOEXEC); when it is true fd2 is inheritable, as after
// dup2(2) and Python's os.dup2. If fd == fd2, Dup2 only checks that fd is
// open and changes nothing.
func Dup2(fd, fd2 int, inheritable bool) error {
	if fd == fd2 {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return os.NewSyscallError("dup2", err)
		}
		return nil
	}
	if !inheritable && forceFallback.Load() {
		return dup2ForkLock(fd, fd2)
	}
	flags := unix.O_CLOEXEC
	if inheritable {
		flags = 0
	}
	for {
		// EBUSY: Linux reports it when fd2 is being opened by another thread.
		err := unix.Dup3(fd, fd2, flags)
		if err == unix.EINTR || err == unix.EBUSY {
			continue
		}
		if err != nil {
			return os.NewSyscallError("dup2", err)
		}
		return nil
	}
}
