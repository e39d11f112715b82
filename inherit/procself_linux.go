package inherit

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// OwnProcEntry reports whether fd is open on a file of the process's own
// /proc entries: /proc/<pid> of the process or of one of its threads and
// everything beneath (mem, environ, fd/, maps, ...), which /proc/self and
// /proc/thread-self lead to. It asks the kernel what fd is, so that it
// does not matter which path, or which symbolic link into /proc, opened
// it.
func OwnProcEntry(fd int) bool {
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil || fs.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return true // a /proc file that cannot be named: refuse it
	}
	pid := strconv.Itoa(os.Getpid())
	for _, name := range strings.Split(target, "/") {
		if name == "" || name[0] < '0' || name[0] > '9' {
			continue
		}
		if name == pid {
			return true
		}
		if _, err := strconv.Atoi(name); err == nil && unix.Access("/proc/self/task/"+name, unix.F_OK) == nil {
			return true // a thread of the process
		}
	}
	return false
}

// ProcBeneath reports whether a procfs is mounted at dir or beneath it,
// or dir lies in one: whether a path resolved beneath dir can reach a
// /proc file. It reads /proc/self/mountinfo; if that cannot be read, it
// reports true.
func ProcBeneath(dir string) bool {
	mounts, err := Mounts()
	if err != nil {
		return true
	}
	dir = strings.TrimSuffix(dir, "/")
	for _, m := range mounts {
		if m.Type == "proc" && (dir == "" || m.Point == dir || strings.HasPrefix(m.Point, dir+"/") || strings.HasPrefix(dir, m.Point+"/")) {
			return true
		}
	}
	return false
}
