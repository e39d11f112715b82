//go:build unix

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// RecvFds receives data into p and at most maxfds descriptors passed with
// SCM_RIGHTS, from a unix socket. The descriptors are close-on-exec from
// the moment they exist (recvmsg with MSG_CMSG_CLOEXEC); CPython's
// socket.recv_fds does not ask for that, so its received descriptors are
// briefly inheritable. flags are extra MSG_* flags for recvmsg. truncated
// reports MSG_CTRUNC: the sender passed more descriptors than fit, and the
// kernel closed the rest.
func RecvFds(fd int, p []byte, maxfds int, flags int) (n int, fds []int, truncated bool, err error) {
	if maxfds < 0 {
		maxfds = 0
	}
	oob := make([]byte, unix.CmsgSpace(maxfds*4))
	n, _, rflags, fds, err := recvmsgFds(fd, p, oob, flags)
	if err != nil {
		return 0, nil, false, err
	}
	return n, fds, rflags&unix.MSG_CTRUNC != 0, nil
}

// SendFds sends p and the descriptors fds in one SCM_RIGHTS message over a
// unix socket. A closed peer gives EPIPE, never SIGPIPE where the OS has
// MSG_NOSIGNAL.
func SendFds(fd int, p []byte, fds []int) (int, error) {
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	n, err := ignoringEINTR2(func() (int, error) { return unix.SendmsgN(fd, p, oob, nil, msgNoSignal) })
	if err != nil {
		return 0, os.NewSyscallError("sendmsg", err)
	}
	return n, nil
}

// parseRights returns the descriptors of every SCM_RIGHTS message in oob.
// If the control data cannot be parsed, the descriptors found so far are
// closed and an error is returned.
func parseRights(oob []byte) ([]int, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, os.NewSyscallError("recvmsg", err)
	}
	var fds []int
	for i := range msgs {
		if msgs[i].Header.Level != unix.SOL_SOCKET || msgs[i].Header.Type != unix.SCM_RIGHTS {
			continue
		}
		rights, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			for _, fd := range fds {
				unix.Close(fd)
			}
			return nil, os.NewSyscallError("recvmsg", err)
		}
		fds = append(fds, rights...)
	}
	return fds, nil
}
