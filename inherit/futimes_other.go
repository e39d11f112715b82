//go:build unix && !linux

package inherit

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Futimes sets the access and modification times of the file fd refers
// to, to the microsecond (futimes: x/sys has no futimens here).
func Futimes(fd int, t FileTimes) error {
	if t.Now {
		now := time.Now().UnixNano()
		t = FileTimes{Atime: now, Mtime: now}
	}
	tv := []unix.Timeval{unix.NsecToTimeval(t.Atime), unix.NsecToTimeval(t.Mtime)}
	if err := ignoringEINTR(func() error { return unix.Futimes(fd, tv) }); err != nil {
		return os.NewSyscallError("futimes", err)
	}
	return nil
}
