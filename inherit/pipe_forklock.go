//go:build darwin

// This file implements Pipe for platforms without pipe2: see the ForkLock
// policy in doc.go.

package inherit

// Pipe is like unix.Pipe, but both descriptors are close-on-exec before any
// fork can see them (pipe, then FIOCLEX, under syscall.ForkLock). r is the
// read end, w the write end; both are blocking.
func Pipe() (r, w int, err error) {
	return pipeForkLock()
}
