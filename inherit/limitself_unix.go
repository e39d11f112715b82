//go:build unix

package inherit

import "golang.org/x/sys/unix"

// LimitSelf sets both the soft and the hard limit of resource (one of
// unix.RLIMIT_*) of the calling process to n: a process that lowers its
// hard limit cannot raise it again, so what runs in it afterwards is held
// to n.
func LimitSelf(resource int, n uint64) error {
	return LimitSelfSoft(resource, n, n)
}

// LimitSelfSoft sets the soft limit of resource to soft and the hard limit
// to hard: RLIMIT_CPU sends SIGXCPU at the soft limit and kills at the
// hard one, which leaves the process a moment to say why it ends.
func LimitSelfSoft(resource int, soft, hard uint64) error {
	var rl unix.Rlimit
	setPair(&rl.Cur, &rl.Max, soft, hard)
	return unix.Setrlimit(resource, &rl)
}

// setPair stores soft and hard in the fields of an rlimit, whose type is
// uint64 on most systems and int64 on FreeBSD.
func setPair[T int64 | uint64](cur, max *T, soft, hard uint64) {
	*cur, *max = T(soft), T(hard)
}
