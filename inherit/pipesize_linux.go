package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

func setPipeSize(fd, n int) error {
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETPIPE_SZ, n); err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	return nil
}
