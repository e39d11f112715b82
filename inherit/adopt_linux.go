package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// SetChildSubreaper makes the process the reaper of its orphaned
// descendants (PR_SET_CHILD_SUBREAPER): a process whose parent dies is
// then reparented to it rather than to init, so that it can still be
// found (OwnChildren) and killed. The process must then reap them
// (ReapPid): they are its children, not Processes. It is an attribute of
// the whole process, for a program that owns it (the command line), never
// for a library's host.
func SetChildSubreaper() error {
	return os.NewSyscallError("prctl", unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
}

// OwnChildren returns the pids of the process's children, as /proc
// shows them now: each process whose parent is this one. (The lists in
// /proc/self/task/*/children are per thread, and a thread that ends
// passes its children on to another: a scan of every process's parent
// does not miss one meanwhile.)
func OwnChildren() []int {
	return childrenByParent()[os.Getpid()]
}
