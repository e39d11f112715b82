//go:build unix

package time

import (
	gotime "time"

	"golang.org/x/sys/unix"
)

// The clock: CLOCK_MONOTONIC read once, at start, and Go's monotonic
// clock (the same clock, read through the vDSO at a tenth of the cost of
// a system call) since. The start is taken between two readings of Go's
// clock, so the offset is off by at most half their distance.
var (
	monoBase  int64
	monoStart gotime.Time
)

func init() {
	var ts unix.Timespec
	before := gotime.Now()
	unix.ClockGettime(clockMonotonic, &ts)
	after := gotime.Now()
	monoStart = before.Add(after.Sub(before) / 2)
	monoBase = ts.Nano()
}

// monotonicNanos is CLOCK_MONOTONIC, in nanoseconds.
func monotonicNanos() int64 { return monoBase + int64(gotime.Since(monoStart)) }
