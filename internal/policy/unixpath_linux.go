package policy

import (
	"path/filepath"
	"strconv"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// UnixPath allows a unix socket path only beneath a writable granted
// directory (a socket is a file), resolved by the kernel as Open resolves
// a file's path: ".." and symbolic links cannot lead out. To bind, the
// new name is made through a descriptor of its directory, opened beneath
// the root (a name that exists, a symbolic link included, is not
// followed: bind fails with EADDRINUSE). To connect or send, the socket
// itself is opened beneath the root (O_PATH), so that a symbolic link is
// followed only as far as it stays inside, and the call goes through
// that descriptor. Abstract addresses are refused.
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
	if op != "bind" {
		fd, err := r.Open(rel, unix.O_PATH, 0)
		if err != nil {
			return "", nil, escapeErr(op, path, err)
		}
		return "/proc/self/fd/" + strconv.Itoa(fd), func() { inherit.Close(fd) }, nil
	}
	if dir == "" {
		dir = "."
	}
	dfd, err := r.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return "", nil, escapeErr(op, path, err)
	}
	return "/proc/self/fd/" + strconv.Itoa(dfd) + "/" + base, func() { inherit.Close(dfd) }, nil
}
