//go:build unix

package policy

import (
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// UnixPath allows a unix socket path only beneath a writable granted
// directory (a socket is a file), reached through a descriptor of its
// directory that was opened beneath the root, so that symbolic links
// cannot lead the bind or connect elsewhere. Abstract addresses are
// refused.
func (g *Grants) UnixPath(op, path string) (safe string, release func(), err error) {
	if path == "" || path[0] == 0 || path[0] == '@' {
		return "", nil, denied(op, path, "abstract unix sockets not granted")
	}
	r, rel, err := g.resolve(op, path, true)
	if err != nil {
		return "", nil, err
	}
	dir, base := filepath.Split(rel)
	if base == "" || base == "." || base == ".." {
		return "", nil, denied(op, path, "not a socket path")
	}
	if dir == "" {
		dir = "."
	}
	dfd, err := r.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		return "", nil, escapeErr(op, path, err)
	}
	return "/proc/self/fd/" + strconv.Itoa(dfd) + "/" + base, func() { inherit.Close(dfd) }, nil
}
