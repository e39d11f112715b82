//go:build unix

// This file implements the socket calls that create no descriptor: Bind,
// Listen, Connect, Send, Recv and their kin. Each retries EINTR and names
// the call in its error: *fs.PathError whose Path is the socket address
// (host:port, or a unix socket's path) for the calls that take one, and
// *os.SyscallError for the others.
//
// Sockets stay blocking at the OS level: O_NONBLOCK belongs to the open
// file description, so it would reach every child that shares the socket.
// A caller that must bound a wait polls first (Wait) and then makes the
// call with MSG_DONTWAIT, which affects only that call. The calls that
// have no such flag are documented where they are defined.

package inherit

import (
	"io/fs"
	"net/netip"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// AddrString formats a socket address as errors and scripts show it:
// "127.0.0.1:80", "[::1]:80", or a unix socket's path ("@name" for a
// Linux abstract address; "" for an unnamed socket).
func AddrString(sa unix.Sockaddr) string {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)).String()
	case *unix.SockaddrInet6:
		ip := netip.AddrFrom16(sa.Addr)
		if sa.ZoneId != 0 {
			ip = ip.WithZone(strconv.Itoa(int(sa.ZoneId)))
		}
		return netip.AddrPortFrom(ip, uint16(sa.Port)).String()
	case *unix.SockaddrUnix:
		return sa.Name
	}
	return "?"
}

// addrError names the call op and the address sa in err.
func addrError(op string, sa unix.Sockaddr, err error) error {
	return &fs.PathError{Op: op, Path: AddrString(sa), Err: err}
}

// Bind is like unix.Bind. Errors are *fs.PathError naming the address.
func Bind(fd int, sa unix.Sockaddr) error {
	if err := ignoringEINTR(func() error { return unix.Bind(fd, sa) }); err != nil {
		return addrError("bind", sa, err)
	}
	return nil
}

// Listen is like unix.Listen.
func Listen(fd, backlog int) error {
	if err := ignoringEINTR(func() error { return unix.Listen(fd, backlog) }); err != nil {
		return os.NewSyscallError("listen", err)
	}
	return nil
}

// Connect is like unix.Connect, waiting in the kernel for the connection
// to complete. A connect interrupted by a signal goes on in the kernel: it
// is then awaited with poll and its outcome read from SO_ERROR, as Go's
// net package does, rather than started again. Errors are *fs.PathError
// naming the address.
func Connect(fd int, sa unix.Sockaddr) error {
	err := unix.Connect(fd, sa)
	switch err {
	case nil:
		return nil
	case unix.EINTR, unix.EINPROGRESS, unix.EALREADY:
		return connectWait(fd, sa, func() error {
			_, err := Wait(fd, true, -1, -1)
			return err
		})
	}
	return addrError("connect", sa, err)
}

// ConnectWait is like Connect, but waits for the connection through wait
// instead of in the kernel, so that the wait can be bounded or
// interrupted: wait must block until fd is writable (poll for POLLOUT),
// and an error it returns (a timeout, an interruption) is returned as is.
// The connection attempt is then abandoned, and the socket should be
// closed.
//
// For the duration of the call the socket is non-blocking (O_NONBLOCK), as
// a connect that does not block needs: since that flag belongs to the open
// file description, another process or descriptor sharing the socket
// during the connect would see it too. It is cleared before ConnectWait
// returns. A unix socket whose listener's backlog is full gives EAGAIN at
// once, rather than waiting for room.
func ConnectWait(fd int, sa unix.Sockaddr, wait func() error) error {
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return addrError("connect", sa, err)
	}
	if flags&unix.O_NONBLOCK == 0 {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags|unix.O_NONBLOCK); err != nil {
			return addrError("connect", sa, err)
		}
		defer unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags)
	}
	err = ignoringEINTR(func() error { return unix.Connect(fd, sa) })
	switch err {
	case nil:
		return nil
	case unix.EINPROGRESS, unix.EALREADY:
		return connectWait(fd, sa, wait)
	}
	return addrError("connect", sa, err)
}

// connectWait waits for a connection in progress on fd to complete, and
// returns its outcome.
func connectWait(fd int, sa unix.Sockaddr, wait func() error) error {
	for {
		if err := wait(); err != nil {
			return err
		}
		soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return addrError("connect", sa, err)
		}
		switch err := unix.Errno(soerr); err {
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		case unix.EISCONN:
			return nil
		case 0:
			// A wake-up without a result yet: connected only if the
			// peer is known.
			if _, err := unix.Getpeername(fd); err == nil {
				return nil
			}
		default:
			return addrError("connect", sa, err)
		}
	}
}

// Send is like send(2): it sends p on a connected socket and returns the
// number of bytes sent, which for a stream socket with MSG_DONTWAIT in
// flags may be fewer than len(p). MSG_NOSIGNAL is always added where the
// OS has it, so a closed peer gives EPIPE, never SIGPIPE.
func Send(fd int, p []byte, flags int) (int, error) {
	return sendto(fd, p, flags, nil)
}

// SendNoWait is Send with MSG_DONTWAIT: it sends what fits without
// waiting for room, and gives EAGAIN when nothing does.
func SendNoWait(fd int, p []byte) (int, error) {
	return sendto(fd, p, unix.MSG_DONTWAIT, nil)
}

// SendTo is like Send, but sends to the address to (a datagram socket).
// Errors are *fs.PathError naming the address.
func SendTo(fd int, p []byte, flags int, to unix.Sockaddr) (int, error) {
	return sendto(fd, p, flags, to)
}

func sendto(fd int, p []byte, flags int, to unix.Sockaddr) (int, error) {
	n, err := ignoringEINTR2(func() (int, error) { return unix.SendmsgN(fd, p, nil, to, flags|msgNoSignal) })
	if err != nil {
		if to != nil {
			return 0, addrError("sendto", to, err)
		}
		return 0, os.NewSyscallError("send", err)
	}
	return n, nil
}

// Recv is like recv(2): it receives into p from a socket, and returns 0 at
// the end of a stream. flags are MSG_* flags (MSG_DONTWAIT, MSG_PEEK...).
func Recv(fd int, p []byte, flags int) (int, error) {
	n, err := ignoringEINTR2(func() (int, error) {
		n, _, err := unix.Recvfrom(fd, p, flags)
		return n, err
	})
	if err != nil {
		return 0, os.NewSyscallError("recv", err)
	}
	return n, nil
}

// RecvFrom is like Recv, and also returns the sender's address (nil where
// the socket type has none, as on a connected stream).
func RecvFrom(fd int, p []byte, flags int) (int, unix.Sockaddr, error) {
	var from unix.Sockaddr
	n, err := ignoringEINTR2(func() (n int, err error) {
		n, from, err = unix.Recvfrom(fd, p, flags)
		return n, err
	})
	if err != nil {
		return 0, nil, os.NewSyscallError("recvfrom", err)
	}
	return n, from, nil
}

// Shutdown is like unix.Shutdown; how is unix.SHUT_RD, SHUT_WR or
// SHUT_RDWR.
func Shutdown(fd, how int) error {
	if err := unix.Shutdown(fd, how); err != nil {
		return os.NewSyscallError("shutdown", err)
	}
	return nil
}

// Getsockname is like unix.Getsockname.
func Getsockname(fd int) (unix.Sockaddr, error) {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil, os.NewSyscallError("getsockname", err)
	}
	return sa, nil
}

// Getpeername is like unix.Getpeername.
func Getpeername(fd int) (unix.Sockaddr, error) {
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return nil, os.NewSyscallError("getpeername", err)
	}
	return sa, nil
}

// SetsockoptInt is like unix.SetsockoptInt.
func SetsockoptInt(fd, level, opt, value int) error {
	if err := unix.SetsockoptInt(fd, level, opt, value); err != nil {
		return os.NewSyscallError("setsockopt", err)
	}
	return nil
}

// GetsockoptInt is like unix.GetsockoptInt.
func GetsockoptInt(fd, level, opt int) (int, error) {
	v, err := unix.GetsockoptInt(fd, level, opt)
	if err != nil {
		return 0, os.NewSyscallError("getsockopt", err)
	}
	return v, nil
}

// SetLinger sets SO_LINGER: with on, close waits up to sec seconds for
// unsent data (0: the connection is reset at once); without, close returns
// at once and the kernel sends the data in the background.
func SetLinger(fd int, on bool, sec int) error {
	l := unix.Linger{Linger: int32(sec)}
	if on {
		l.Onoff = 1
	}
	if err := unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &l); err != nil {
		return os.NewSyscallError("setsockopt", err)
	}
	return nil
}

// Linger returns the SO_LINGER setting of fd (see SetLinger).
func Linger(fd int) (on bool, sec int, err error) {
	l, err := unix.GetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER)
	if err != nil {
		return false, 0, os.NewSyscallError("getsockopt", err)
	}
	return l.Onoff != 0, int(l.Linger), nil
}

// SocketType returns the address family (unix.AF_INET, AF_INET6, AF_UNIX;
// -1 for another) and the type (unix.SOCK_STREAM, ...) of the socket fd. A
// descriptor that is not a socket gives ENOTSOCK.
func SocketType(fd int) (domain, typ int, err error) {
	typ, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return -1, -1, os.NewSyscallError("getsockopt", err)
	}
	sa, err := unix.Getsockname(fd)
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return unix.AF_INET, typ, nil
	case *unix.SockaddrInet6:
		return unix.AF_INET6, typ, nil
	case *unix.SockaddrUnix:
		return unix.AF_UNIX, typ, nil
	}
	if err != nil && err != unix.EAFNOSUPPORT {
		return -1, -1, os.NewSyscallError("getsockname", err)
	}
	return -1, typ, nil
}

// CheckAutobind returns EDESTADDRREQ, named op, if a send on fd with no
// address would make the kernel first bind fd to a port of its choosing
// on every address, and then fail for want of a destination: fd is an
// IPv4 or IPv6 socket that is not a stream (UDP), and neither bound nor
// connected. The caller gets the kernel's error without its side effect,
// a socket that anyone can send to. For anything else, a descriptor that
// is not a socket included, it returns nil.
func CheckAutobind(fd int, op string) error {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil || typ == unix.SOCK_STREAM {
		return nil
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil
	}
	port := -1
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		port = sa.Port
	case *unix.SockaddrInet6:
		port = sa.Port
	}
	if port == 0 {
		return os.NewSyscallError(op, unix.EDESTADDRREQ)
	}
	return nil
}
