//go:build unix

package inherit

import "golang.org/x/sys/unix"

// LimitSelf sets both the soft and the hard limit of resource (one of
// unix.RLIMIT_*) of the calling process to n: a process that lowers its
// hard limit cannot raise it again, so what runs in it afterwards is held
// to n.
func LimitSelf(resource int, n uint64) error {
	return unix.Setrlimit(resource, &unix.Rlimit{Cur: n, Max: n})
}
