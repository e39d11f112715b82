// This file implements Openpty for Linux.

package inherit

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Openpty opens a new pseudo-terminal pair. Both descriptors are
// close-on-exec from the moment they exist: the master is opened with
// O_CLOEXEC and the slave is created by ioctl(TIOCGPTPEER, O_CLOEXEC)
// (Linux 4.13), or opened by name with O_CLOEXEC on older kernels.
// Neither becomes the controlling terminal of the caller (O_NOCTTY).
func Openpty() (master, slave int, err error) {
	master, err = Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return -1, -1, err
	}
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(master)
		return -1, -1, os.NewSyscallError("unlockpt", err)
	}
	slave, err = ptyPeer(master)
	if err != nil {
		unix.Close(master)
		return -1, -1, err
	}
	return master, slave, nil
}

func ptyPeer(master int) (int, error) {
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(master), unix.TIOCGPTPEER,
		uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno == 0 {
		return int(fd), nil
	}
	if errno != unix.EINVAL && errno != unix.ENOTTY {
		return -1, os.NewSyscallError("ioctl", errno)
	}
	// Before Linux 4.13: look the slave up by number.
	n, err := unix.IoctlGetUint32(master, unix.TIOCGPTN)
	if err != nil {
		return -1, os.NewSyscallError("ptsname", err)
	}
	return Open("/dev/pts/"+strconv.FormatUint(uint64(n), 10), unix.O_RDWR|unix.O_NOCTTY, 0)
}
