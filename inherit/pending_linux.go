// This file implements Pending for Linux (FIONREAD, which Linux calls
// TIOCINQ).

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Pending returns how many bytes are waiting to be read from fd, a pipe,
// socket or terminal (ioctl FIONREAD).
func Pending(fd int) (int, error) {
	n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
	if err != nil {
		return 0, os.NewSyscallError("ioctl", err)
	}
	return n, nil
}
