//go:build unix && !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package inherit

import "os"

// privilegedExec reports whether this process runs with IDs that differ
// from its caller's (setuid, setgid).
func privilegedExec() bool {
	return os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid()
}
