//go:build dragonfly || freebsd || linux || netbsd || openbsd

// This file implements Socket and Socketpair for platforms with
// SOCK_CLOEXEC.

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Socket is like unix.Socket, but the new descriptor is close-on-exec from
// the moment it exists (SOCK_CLOEXEC). It is blocking.
func Socket(domain, typ, proto int) (int, error) {
	if forceFallback.Load() {
		return socketForkLock(domain, typ, proto)
	}
	fd, err := unix.Socket(domain, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// Socketpair is like unix.Socketpair, but both descriptors are
// close-on-exec from the moment they exist (SOCK_CLOEXEC).
func Socketpair(domain, typ, proto int) ([2]int, error) {
	if forceFallback.Load() {
		return socketpairForkLock(domain, typ, proto)
	}
	fds, err := unix.Socketpair(domain, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return [2]int{-1, -1}, os.NewSyscallError("socketpair", err)
	}
	return fds, nil
}
