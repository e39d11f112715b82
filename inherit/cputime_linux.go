package inherit

import "golang.org/x/sys/unix"

// ThreadCPUTime returns the calling OS thread's id and the CPU time it has
// used, in nanoseconds (CLOCK_THREAD_CPUTIME_ID). A goroutine may move
// between threads: a caller that sums differences must restart from the
// new value when tid changes. ok is false where there is no such clock.
func ThreadCPUTime() (tid int, ns int64, ok bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0, 0, false
	}
	return unix.Gettid(), ts.Nano(), true
}
