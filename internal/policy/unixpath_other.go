//go:build !linux

package policy

// UnixPath refuses every unix socket path: confining one to the granted
// directories takes Linux's /proc/self/fd.
func (g *Grants) UnixPath(op, path string) (safe string, release func(), err error) {
	return "", nil, denied(op, path, "unix socket paths are confined only on Linux")
}
