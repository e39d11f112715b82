//go:build unix

// This file implements the ForkLock fallbacks described in doc.go: create
// the descriptor, then mark it close-on-exec, while holding syscall.ForkLock
// for reading. Platforms without the atomic form use these directly; on the
// others, tests use forceFallback to run them.

package inherit

import (
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// forceFallback makes every creator that has an atomic form take its
// ForkLock fallback instead. Only tests set it (see export_test.go).
var forceFallback atomic.Bool

// markCloexec sets close-on-exec on every descriptor in fds. If that fails
// (it cannot for a descriptor just created), it closes them all.
func markCloexec(op string, fds ...int) error {
	for _, fd := range fds {
		if err := setCloexec(fd, true); err != nil {
			for _, fd := range fds {
				unix.Close(fd)
			}
			return os.NewSyscallError(op, err)
		}
	}
	return nil
}

func pipeForkLock() (r, w int, err error) {
	var p [2]int
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(p[:]); err != nil {
		return -1, -1, os.NewSyscallError("pipe", err)
	}
	if err := markCloexec("pipe", p[0], p[1]); err != nil {
		return -1, -1, err
	}
	return p[0], p[1], nil
}

func dup2ForkLock(fd, fd2 int) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := dupRetrying(func() error { return unix.Dup2(fd, fd2) }); err != nil {
		return os.NewSyscallError("dup2", err)
	}
	// On failure fd2 is left open but inheritable is not acceptable:
	// close it, as a half-done dup2 must not leak.
	return markCloexec("dup2", fd2)
}

func socketForkLock(domain, typ, proto int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := unix.Socket(domain, typ, proto)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if err := markCloexec("socket", fd); err != nil {
		return -1, err
	}
	return fd, nil
}

func socketpairForkLock(domain, typ, proto int) ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := unix.Socketpair(domain, typ, proto)
	if err != nil {
		return [2]int{-1, -1}, os.NewSyscallError("socketpair", err)
	}
	if err := markCloexec("socketpair", fds[0], fds[1]); err != nil {
		return [2]int{-1, -1}, err
	}
	return fds, nil
}

// acceptForkLock waits for a connection without the lock, so that a
// blocking accept does not stall every fork, then accepts under it. If
// another thread takes the connection first, accept can still block while
// holding the lock for reading; forks wait until a connection arrives.
func acceptForkLock(fd int) (int, unix.Sockaddr, error) {
	for {
		if _, err := Wait(fd, false, -1, -1); err != nil {
			return -1, nil, err
		}
		nfd, sa, err := acceptLocked(fd)
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue
		}
		if err != nil {
			return -1, nil, os.NewSyscallError("accept", err)
		}
		return nfd, sa, nil
	}
}

func acceptLocked(fd int) (int, unix.Sockaddr, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	nfd, sa, err := unix.Accept(fd)
	if err != nil {
		return -1, nil, err
	}
	if err := setCloexec(nfd, true); err != nil {
		unix.Close(nfd)
		return -1, nil, err
	}
	return nfd, sa, nil
}

// recvmsgForkLock is RecvFds without MSG_CMSG_CLOEXEC: it waits for data
// without the lock, then receives with MSG_DONTWAIT under it, so the lock
// is never held across a blocking call.
func recvmsgForkLock(fd int, p, oob []byte, flags int) (n, oobn, rflags int, fds []int, err error) {
	for {
		if flags&unix.MSG_DONTWAIT == 0 {
			if _, err := Wait(fd, false, -1, -1); err != nil {
				return 0, 0, 0, nil, err
			}
		}
		n, oobn, rflags, fds, err = recvmsgLocked(fd, p, oob, flags|unix.MSG_DONTWAIT)
		if err == unix.EINTR || (err == unix.EAGAIN && flags&unix.MSG_DONTWAIT == 0) {
			continue
		}
		if err != nil {
			return 0, 0, 0, nil, os.NewSyscallError("recvmsg", err)
		}
		return n, oobn, rflags, fds, nil
	}
}

func recvmsgLocked(fd int, p, oob []byte, flags int) (n, oobn, rflags int, fds []int, err error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	n, oobn, rflags, _, err = unix.Recvmsg(fd, p, oob, flags)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	fds, err = parseRights(oob[:oobn])
	if err == nil {
		err = markCloexec("recvmsg", fds...)
	}
	if err != nil {
		return 0, 0, 0, nil, err
	}
	return n, oobn, rflags, fds, nil
}
