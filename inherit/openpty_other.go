//go:build unix && !linux

package inherit

// Openpty opens a new pseudo-terminal pair. It is implemented on Linux
// only; elsewhere it returns an error matching errors.ErrUnsupported.
func Openpty() (master, slave int, err error) {
	return -1, -1, unsupported("openpty")
}
