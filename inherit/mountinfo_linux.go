package inherit

import (
	"slices"
	"strconv"
	"strings"
)

// Mount is one line of /proc/self/mountinfo.
type Mount struct {
	Root   string // the path within its file system that is mounted
	Point  string // where it is mounted
	Type   string // the file system's type: proc, cgroup, cgroup2, ...
	Super  string // its super-block options: for cgroup, its controllers
	Source string
}

// Mounts returns the process's mounts, from /proc/self/mountinfo, with
// its octal escapes (\040 for a space) undone.
func Mounts() ([]Mount, error) {
	data, err := ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	var mounts []Mount
	for line := range strings.Lines(string(data)) {
		// id parent major:minor root point options [optional...] - type source super
		fields := strings.Fields(line)
		sep := slices.Index(fields, "-")
		if len(fields) < 5 || sep < 5 || sep+1 >= len(fields) {
			continue
		}
		m := Mount{Root: unescapeMountPath(fields[3]), Point: unescapeMountPath(fields[4]), Type: fields[sep+1]}
		if sep+2 < len(fields) {
			m.Source = fields[sep+2]
		}
		if sep+3 < len(fields) {
			m.Super = fields[sep+3]
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// unescapeMountPath undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
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
