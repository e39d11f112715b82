package inherit

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Descendants returns the pids of pid's descendants, as /proc shows them
// now: its children, theirs, and so on, parents before their children. A
// process that left the tree (a daemon that double-forked, reparented to
// init) is not among them, and the list can be stale as soon as it is
// made: it is for killing a tree, where a process group is not at hand.
func Descendants(pid int) []int {
	children := childrenByParent()
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// childrenByParent maps each process's pid to its children's, as /proc
// shows them now.
func childrenByParent() map[int][]int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	return children
}

// SignalPid sends sig to pid, a descendant that Descendants found.
func SignalPid(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }
