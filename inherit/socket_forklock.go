//go:build darwin

// This file implements Socket and Socketpair for platforms without
// SOCK_CLOEXEC: see the ForkLock policy in doc.go.

package inherit

// Socket is like unix.Socket, but the new descriptor is close-on-exec
// before any fork can see it (socket, then FIOCLEX, under
// syscall.ForkLock). It is blocking.
func Socket(domain, typ, proto int) (int, error) {
	return socketForkLock(domain, typ, proto)
}

// Socketpair is like unix.Socketpair, but both descriptors are
// close-on-exec before any fork can see them.
func Socketpair(domain, typ, proto int) ([2]int, error) {
	return socketpairForkLock(domain, typ, proto)
}
