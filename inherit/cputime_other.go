//go:build unix && !linux

package inherit

// ThreadCPUTime returns false here: only Linux's thread CPU clock is used
// (the others' thread ids are not portable); callers count wall time.
func ThreadCPUTime() (tid int, ns int64, ok bool) { return 0, 0, false }
