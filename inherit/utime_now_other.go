//go:build unix && !linux

package inherit

import (
	"time"

	"golang.org/x/sys/unix"
)

// timeNow is the current time, for utimensat (x/sys has no UTIME_NOW on
// every one of these systems; an explicit time needs ownership of the
// file where UTIME_NOW would need only write permission).
func timeNow() unix.Timespec { return unix.NsecToTimespec(time.Now().UnixNano()) }
