package inherit

import (
	"math"

	"golang.org/x/sys/unix"
)

// unixRlimit is r as setrlimit takes it: FreeBSD's limits are signed,
// with RLIM_INFINITY the largest.
func unixRlimit(r Rlimit) unix.Rlimit {
	conv := func(v uint64) int64 {
		if v > math.MaxInt64 {
			return math.MaxInt64
		}
		return int64(v)
	}
	return unix.Rlimit{Cur: conv(r.Cur), Max: conv(r.Max)}
}

// rlimitFromUnix is l as Rlimit has it (Resource left 0).
func rlimitFromUnix(l unix.Rlimit) Rlimit {
	conv := func(v int64) uint64 {
		if v == math.MaxInt64 || v < 0 {
			return RlimInfinity
		}
		return uint64(v)
	}
	return Rlimit{Cur: conv(l.Cur), Max: conv(l.Max)}
}
