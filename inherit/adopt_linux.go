package inherit

import (
	"os"
	"strconv"
	"strings"

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

// OwnChildren returns the pids of the process's children, as
// /proc/self/task/*/children shows them now.
func OwnChildren() []int {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				out = append(out, pid)
			}
		}
	}
	return out
}
