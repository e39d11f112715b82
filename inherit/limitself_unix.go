//go:build unix

package inherit

import "golang.org/x/sys/unix"

// LimitSelf sets both the soft and the hard limit of resource (one of
// unix.RLIMIT_*) of the calling process to n: a process that lowers its
// hard limit cannot raise it again, so what runs in it afterwards is held
// to n.
func LimitSelf(resource int, n uint64) error {
	var rl unix.Rlimit
	setBoth(&rl.Cur, &rl.Max, n)
	return unix.Setrlimit(resource, &rl)
}

// setBoth stores n in both fields of an rlimit, whose type is uint64 on most
// systems and int64 on FreeBSD.
func setBoth[T int64 | uint64](cur, max *T, n uint64) {
	*cur, *max = T(n), T(n)
}
