//go:build unix && !freebsd

package inherit

import "golang.org/x/sys/unix"

// unixRlimit is r as setrlimit takes it.
func unixRlimit(r Rlimit) unix.Rlimit { return unix.Rlimit{Cur: r.Cur, Max: r.Max} }

// rlimitFromUnix is l as Rlimit has it (Resource left 0).
func rlimitFromUnix(l unix.Rlimit) Rlimit { return Rlimit{Cur: l.Cur, Max: l.Max} }
