//go:build darwin || netbsd || openbsd

// This file implements Accept for platforms where golang.org/x/sys/unix
// has no accept4: see the ForkLock policy in doc.go.

package inherit

import "golang.org/x/sys/unix"

// Accept is like unix.Accept, but the new descriptor is close-on-exec
// before any fork can see it (accept, then FIOCLEX, under
// syscall.ForkLock; the wait for a connection happens outside the lock).
func Accept(fd int) (int, unix.Sockaddr, error) {
	return acceptForkLock(fd)
}
