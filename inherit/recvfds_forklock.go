//go:build darwin

// This file implements RecvFds for platforms without MSG_CMSG_CLOEXEC: see
// the ForkLock policy in doc.go.

package inherit

func recvmsgFds(fd int, p, oob []byte, flags int) (n, oobn, rflags int, fds []int, err error) {
	return recvmsgForkLock(fd, p, oob, flags)
}
