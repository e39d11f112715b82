//go:build unix

package inherit

import "golang.org/x/sys/unix"

// NofileLimit returns the process's soft RLIMIT_NOFILE: descriptors
// numbered at or above it cannot be created. It returns 0 if the limit
// cannot be learnt or is unlimited.
func NofileLimit() uint64 {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) != nil || rl.Cur == unix.RLIM_INFINITY {
		return 0
	}
	return uint64(rl.Cur)
}

// HardLimit returns the process's hard limit of resource (an RLIMIT_*
// number), RlimInfinity where it has none, and false if it cannot be
// learnt.
func HardLimit(resource int) (uint64, bool) {
	var rl unix.Rlimit
	if resource < 0 || unix.Getrlimit(resource, &rl) != nil {
		return 0, false
	}
	if rl.Max == unix.RLIM_INFINITY {
		return RlimInfinity, true
	}
	return uint64(rl.Max), true
}
