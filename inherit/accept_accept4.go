//go:build dragonfly || freebsd || linux

// This file implements Accept for platforms with accept4(SOCK_CLOEXEC).

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Accept is like unix.Accept, but the new descriptor is close-on-exec from
// the moment it exists (accept4 with SOCK_CLOEXEC). A connection that was
// aborted before it could be accepted is skipped, as Go's net package does.
func Accept(fd int) (int, unix.Sockaddr, error) {
	if forceFallback.Load() {
		return acceptForkLock(fd)
	}
	for {
		nfd, sa, err := unix.Accept4(fd, unix.SOCK_CLOEXEC)
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue // a signal, or a connection reset before it was accepted
		}
		if err != nil {
			return -1, nil, os.NewSyscallError("accept", err)
		}
		return nfd, sa, nil
	}
}
