//go:build unix

package inherit

import "os"

// SetInheritable sets or clears the close-on-exec flag of fd, with a single
// system call (ioctl FIONCLEX or FIOCLEX where the OS has them).
func SetInheritable(fd int, inheritable bool) error {
	if err := setCloexec(fd, !inheritable); err != nil {
		return os.NewSyscallError("set_inheritable", err)
	}
	return nil
}
