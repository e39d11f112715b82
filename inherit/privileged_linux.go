package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// atSecure is the auxiliary vector's AT_SECURE: the kernel ran the
// executable with privileges its caller lacks.
const atSecure = 23

// privilegedExec reports whether the kernel ran this process's
// executable with privileges its caller lacks: setuid, setgid or file
// capabilities (AT_SECURE), or IDs that differ.
func privilegedExec() bool {
	if os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid() {
		return true
	}
	vec, err := unix.Auxv()
	if err != nil {
		return true // cannot tell: refuse
	}
	for _, kv := range vec {
		if kv[0] == atSecure {
			return kv[1] != 0
		}
	}
	return false
}
