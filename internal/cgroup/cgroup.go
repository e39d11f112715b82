// Package cgroup makes a Linux control group for a process tree: a
// directory under the calling process's own groups that the process and
// everything it starts belong to, with limits on the memory and the
// number of tasks of the whole tree, a count of the kernel's
// out-of-memory kills in it, and a way to kill all of it.
//
// It works on cgroup v2, on v1, and on a hybrid of the two: each
// controller is taken from the hierarchy that has it, and the group is
// made in the v2 hierarchy too when one is mounted, for its cgroup.kill.
// Making a group needs write access to the caller's groups, as root has
// or as a delegated group gives; on v2 a controller must be enabled for
// the caller's group's children, or enabling it must be allowed (the
// root group, or a group with no processes of its own).
package cgroup

import "errors"

// Limits are a group's limits; a zero value is no limit.
type Limits struct {
	// Memory bounds the memory charged to the group's processes, in
	// bytes: memory.max on v2, memory.limit_in_bytes on v1. Swap is
	// bounded to nothing where the kernel lets it be (memory.swap.max,
	// memory.memsw.limit_in_bytes). Past it the kernel reclaims and then
	// kills a process of the group.
	Memory int64

	// Tasks bounds the group's processes and threads (pids.max): past it
	// fork and clone fail with EAGAIN, for root too.
	Tasks int
}

// ErrUnsupported is what New returns where there are no control groups.
var ErrUnsupported = errors.New("cgroup: control groups are a Linux feature")
