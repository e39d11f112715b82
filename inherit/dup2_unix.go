//go:build unix

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Dup2 makes fd2 a copy of fd, closing fd2 first if it was open. When
// inheritable is false fd2 is close-on-exec from the moment it exists
// (dup3 with O_CLOEXEC, or where there is no dup3, dup2 and FIOCLEX under
// syscall.ForkLock); when it is true fd2 is inheritable, as after dup2(2)
// and Python's os.dup2. If fd == fd2, Dup2 only checks that fd is open and
// changes nothing.
func Dup2(fd, fd2 int, inheritable bool) error {
	if fd == fd2 {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return os.NewSyscallError("dup2", err)
		}
		return nil
	}
	if inheritable {
		if err := dupRetrying(func() error { return unix.Dup2(fd, fd2) }); err != nil {
			return os.NewSyscallError("dup2", err)
		}
		return nil
	}
	return dup2Cloexec(fd, fd2)
}
