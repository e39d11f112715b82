package inherit

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Futimes sets the access and modification times of the file fd refers
// to (futimens: utimensat with no path), to the nanosecond.
func Futimes(fd int, t FileTimes) error {
	ts := t.timespecs()
	err := ignoringEINTR(func() error {
		_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
		if e != 0 {
			return e
		}
		return nil
	})
	if err != nil {
		return os.NewSyscallError("futimens", err)
	}
	return nil
}
