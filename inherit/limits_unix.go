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
