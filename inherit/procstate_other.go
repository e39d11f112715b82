//go:build !linux

package inherit

// Halted reports true: without /proc, a process's state is not known.
func Halted(pid int) bool { return true }
