//go:build darwin

// This file implements Dup2 for platforms without dup3: see the ForkLock
// policy in doc.go.

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Dup2 makes fd2 a copy of fd, closing fd2 first if it was open. When
// inheritable is false fd2 is close-on-exec before any fork can see it
// (dup2, then FIOCLEX, under syscall.ForkLock); when it is true fd2 is
// inheritable, as after dup2(2) and Python's os.dup2. If fd == fd2, Dup2
// only checks that fd is open and changes nothing.
func Dup2(fd, fd2 int, inheritable bool) error {
	if fd == fd2 {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return os.NewSyscallError("dup2", err)
		}
		return nil
	}
	if !inheritable {
		return dup2ForkLock(fd, fd2)
	}
	for {
		err := unix.Dup2(fd, fd2)
		if err == unix.EINTR || err == unix.EBUSY {
			continue
		}
		if err != nil {
			return os.NewSyscallError("dup2", err)
		}
		return nil
	}
}
