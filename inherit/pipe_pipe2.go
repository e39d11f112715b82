//go:build dragonfly || freebsd || linux || netbsd || openbsd

// This file implements Pipe for platforms with pipe2(O_CLOEXEC).

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// Pipe is like unix.Pipe, but both descriptors are close-on-exec from the
// moment they exist. r is the read end, w the write end; both are blocking.
func Pipe() (r, w int, err error) {
	if forceFallback.Load() {
		return pipeForkLock()
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return -1, -1, os.NewSyscallError("pipe", err)
	}
	return p[0], p[1], nil
}
