//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package inherit

// Pending returns how many bytes are waiting to be read from fd; it is
// not supported here.
func Pending(fd int) (int, error) { return 0, unsupported("ioctl") }
