package inherit

import (
	"os"
	"slices"
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
	data, err := ReadFile("/proc/self/mountinfo")
	if err != nil {
		return true
	}
	dir = strings.TrimSuffix(dir, "/")
	for line := range strings.Lines(string(data)) {
		// id parent major:minor root mount-point options... - type source ...
		fields := strings.Fields(line)
		sep := slices.Index(fields, "-")
		if len(fields) < 5 || sep < 0 || sep+1 >= len(fields) || fields[sep+1] != "proc" {
			continue
		}
		mount := unescapeMountPath(fields[4])
		if dir == "" || mount == dir || strings.HasPrefix(mount, dir+"/") || strings.HasPrefix(dir, mount+"/") {
			return true
		}
	}
	return false
}

// unescapeMountPath undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
