package policy

// UnixPath refuses every unix socket path: they are not supported on
// Windows yet.
func (g *Grants) UnixPath(op, path string) (safe string, release func(), err error) {
	return "", nil, denied(op, path, "unix sockets not supported on windows")
}
