//go:build dragonfly || freebsd || linux || netbsd || openbsd

// This file implements RecvFds for platforms with MSG_CMSG_CLOEXEC.

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

func recvmsgFds(fd int, p, oob []byte, flags int) (n, oobn, rflags int, fds []int, err error) {
	if forceFallback.Load() {
		return recvmsgForkLock(fd, p, oob, flags)
	}
	err = ignoringEINTR(func() (err error) {
		n, oobn, rflags, _, err = unix.Recvmsg(fd, p, oob, flags|unix.MSG_CMSG_CLOEXEC)
		return err
	})
	if err != nil {
		return 0, 0, 0, nil, os.NewSyscallError("recvmsg", err)
	}
	fds, err = parseRights(oob[:oobn])
	return n, oobn, rflags, fds, err
}
