//go:build unix

package socket

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// A Socket is the value of a socket object: a socket descriptor that the
// runtime's descriptor table records as owned by it. It implements
// luaargs.Descriptor, so that a socket can be given wherever an fd is taken
// (subprocess's stdin, stdout, stderr).
//
// What the script holds is the Socket; the table owns its socket (a
// state.Owner), which is closed through the table once the script drops
// the Socket unclosed (see state.Track).
type Socket struct {
	*socket
}

// socket is what a Socket holds. It must not refer to its Socket.
type socket struct {
	st      *state.State
	fd      int // -1 once closed
	family  int
	typ     int
	timeout time.Duration   // negative: none (blocking); 0: non-blocking
	bound   bool            // known to be bound, or a stream: a send cannot bind it (see sendable)
	cleanup runtime.Cleanup // closes the socket when its Socket is dropped
}

// Fd returns the socket's descriptor, or -1 once it is closed.
func (s *socket) Fd() int { return s.fd }

// Release marks the socket closed: its descriptor is being closed by
// number (os.close). A socket buffers nothing, so it has nothing to report.
func (s *socket) Release() error {
	s.cleanup.Stop()
	s.fd = -1
	return nil
}

// close closes the socket; closing a closed socket does nothing.
func (s *socket) close() error {
	if s.fd < 0 {
		return nil
	}
	s.cleanup.Stop()
	fd := s.fd
	s.fd = -1
	s.st.Fds.Forget(fd)
	return inherit.Close(fd)
}

// deadline returns when a call starting now must end, by the socket's
// timeout; the zero time if it has none.
func (s *socket) deadline() time.Time {
	if s.timeout < 0 {
		return time.Time{}
	}
	return time.Now().Add(s.timeout)
}

// do runs call, a socket call that may have to wait (for writing, if
// write is set), in the socket's mode. A socket without a timeout, in a
// runtime that cannot be interrupted, waits in the kernel: call gets flags
// 0. Otherwise do first waits with the runtime's interruptible Wait, until
// deadline, and call gets MSG_DONTWAIT; if call still finds nothing to do
// (EAGAIN: another process took the data, or the socket came non-blocking
// from elsewhere), do waits again. Timing out gives errTimeout, or EAGAIN
// named op for a non-blocking socket (timeout 0), as in Python.
func (s *socket) do(write bool, op string, deadline time.Time, call func(flags int) error) error {
	poll := s.timeout >= 0 || s.st.Interruptible()
	for {
		flags := 0
		if poll {
			if err := s.wait(write, op, deadline); err != nil {
				return err
			}
			flags = unix.MSG_DONTWAIT
		}
		err := call(flags)
		if s.timeout == 0 || !errors.Is(err, unix.EAGAIN) {
			return err
		}
		poll = true
	}
}

// wait waits until the socket is ready for reading (writing, if write is
// set), until deadline, or until the runtime is interrupted.
func (s *socket) wait(write bool, op string, deadline time.Time) error {
	left := time.Duration(-1)
	if s.timeout >= 0 {
		left = max(time.Until(deadline), 0)
	}
	r, err := s.st.Wait(s.fd, write, left)
	switch {
	case err != nil:
		return err
	case r == inherit.TimedOut && s.timeout == 0:
		return os.NewSyscallError(op, unix.EAGAIN)
	case r == inherit.TimedOut:
		return errTimeout
	}
	return nil
}

// connect connects the socket to sa within its timeout.
func (s *socket) connect(sa unix.Sockaddr) error {
	if s.timeout < 0 && !s.st.Interruptible() {
		return inherit.Connect(s.fd, sa)
	}
	deadline := s.deadline()
	return inherit.ConnectWait(s.fd, sa, func() error {
		err := s.wait(true, "connect", deadline)
		if s.timeout == 0 && errors.Is(err, unix.EAGAIN) {
			// A non-blocking connect, as in Python: it goes on in the
			// background.
			return &os.SyscallError{Syscall: "connect", Err: unix.EINPROGRESS}
		}
		return err
	})
}

// push wraps s, whose descriptor the caller has just created, in a socket
// object, and records it in the runtime's descriptor table.
func (l *lib) push(L *lua.LState, s *Socket) {
	l.st.Fds.Add(s.fd, s.socket)
	s.cleanup = state.Track(l.st.Fds, s, s.fd, s.socket)
	ud := L.NewUserData()
	ud.Value = s
	L.SetMetatable(ud, l.mt)
	L.Push(ud)
}

// pushResult pushes true, or nil, message, errno for err.
func pushResult(L *lua.LState, err error) int {
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func sockToString(L *lua.LState) int {
	ud, ok := L.Get(1).(*lua.LUserData)
	var s *Socket
	if ok {
		s, ok = ud.Value.(*Socket)
	}
	switch {
	case !ok:
		L.Push(lua.LString("socket (?)"))
	case s.fd < 0:
		L.Push(lua.LString("socket (closed)"))
	default:
		L.Push(lua.LString(fmt.Sprintf("socket (fd %d, %s %s)", s.fd, familyName(s.family), typeName(s.typ))))
	}
	return 1
}

func (l *lib) sockBind(L *lua.LState) int {
	s := checkSock(L, 1)
	sa, done, err := l.sockaddr(L, s, 2, "bind")
	if err == nil {
		err = done(inherit.Bind(s.fd, sa))
	}
	return pushResult(L, err)
}

func (l *lib) sockListen(L *lua.LState) int {
	s := checkSock(L, 1)
	n := max(luaargs.OptInt(L, 2, backlog), 0)
	if err := l.mayListen(s); err != nil {
		return luaerr.PushError(L, err)
	}
	return pushResult(L, inherit.Listen(s.fd, n))
}

// mayListen checks a listen on s against the policy's listen grants: the
// address s is bound to, or, if it is not bound, what listen would bind
// it to: every address (0.0.0.0, or :: for IPv6) on a port the kernel
// picks, which only a grant of any port on the unspecified address or on
// any host allows.
func (l *lib) mayListen(s *Socket) error {
	if s.family != unix.AF_INET && s.family != unix.AF_INET6 {
		return nil // a unix socket must be bound to listen
	}
	sa, err := inherit.Getsockname(s.fd)
	if err != nil {
		return err
	}
	ip, port, ok := inetAddr(sa)
	if !ok {
		return nil
	}
	return l.allowedAs("listen", "bind", ip.String(), ip, port)
}

// sendable returns nil unless a send on s with no address would make the
// kernel bind it first (see inherit.CheckAutobind): then EDESTADDRREQ,
// the kernel's own error, without the socket being left bound to a port
// on every address, where anyone could send to it and no listen grant
// was asked. Once s is known to be bound, or is a stream, it is not
// asked again.
func (s *socket) sendable(op string) error {
	if s.bound || s.family == unix.AF_UNIX {
		return nil
	}
	if err := inherit.CheckAutobind(s.fd, op); err != nil {
		return err
	}
	s.bound = true
	return nil
}

// sockAccept accepts a connection: conn, host, port, or conn, path. The
// new socket has no timeout, whatever the listening socket's, as in
// Python.
func (l *lib) sockAccept(L *lua.LState) int {
	s := checkSock(L, 1)
	var nfd int
	var sa unix.Sockaddr
	if err := s.st.ReserveFds(1); err != nil {
		return luaerr.PushError(L, err)
	}
	err := s.do(false, "accept", s.deadline(), func(int) (err error) {
		// accept has no MSG_DONTWAIT: if another process takes the
		// connection between the wait and the call, the call waits for
		// the next one (see docs/socket.md).
		nfd, sa, err = inherit.Accept(s.fd)
		return err
	})
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.push(L, &Socket{&socket{st: l.st, fd: nfd, family: s.family, typ: s.typ, timeout: -1}})
	return 1 + pushAddr(L, sa)
}

func (l *lib) sockConnect(L *lua.LState) int {
	s := checkSock(L, 1)
	sa, done, err := l.sockaddr(L, s, 2, "connect")
	if err == nil {
		err = done(s.connect(sa))
	}
	return pushResult(L, err)
}

// send sends what it can of p, within deadline.
func (s *socket) send(p []byte, deadline time.Time) (n int, err error) {
	err = s.do(true, "send", deadline, func(flags int) (err error) {
		n, err = inherit.Send(s.fd, p, flags)
		return err
	})
	return n, err
}

func (l *lib) sockSend(L *lua.LState) int {
	s := checkSock(L, 1)
	data := luaargs.CheckString(L, 2)
	if err := s.sendable("send"); err != nil {
		return luaerr.PushError(L, err)
	}
	n, err := s.send(bytesOf(data), s.deadline())
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// sockSendall sends all of its argument; the timeout bounds the whole
// call, as in Python 3.5 and later.
func (l *lib) sockSendall(L *lua.LState) int {
	s := checkSock(L, 1)
	p := bytesOf(luaargs.CheckString(L, 2))
	if err := s.sendable("send"); err != nil {
		return luaerr.PushError(L, err)
	}
	deadline := s.deadline()
	for len(p) > 0 {
		n, err := s.send(p, deadline)
		if err != nil {
			return luaerr.PushError(L, err)
		}
		p = p[n:]
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) sockSendto(L *lua.LState) int {
	s := checkSock(L, 1)
	data := luaargs.CheckString(L, 2)
	sa, done, err := l.sockaddr(L, s, 3, "sendto")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	var n int
	err = done(s.do(true, "sendto", s.deadline(), func(flags int) (err error) {
		n, err = inherit.SendTo(s.fd, bytesOf(data), flags, sa)
		return err
	}))
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// checkSize returns argument n, a byte count.
func checkSize(L *lua.LState, n int) int {
	size := luaargs.CheckInt(L, n)
	if size < 0 {
		luaargs.ArgError(L, n, "size must be non-negative")
	}
	return size
}

// sockRecv receives up to n bytes; "" at the end of a stream. recv(0)
// returns "" at once, without waiting or consuming anything.
func (l *lib) sockRecv(L *lua.LState) int {
	s := checkSock(L, 1)
	buf := l.buffer(checkSize(L, 2))
	if len(buf) == 0 {
		L.Push(lua.LString(""))
		return 1
	}
	var n int
	err := s.do(false, "recv", s.deadline(), func(flags int) (err error) {
		n, err = inherit.Recv(s.fd, buf, flags)
		return err
	})
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.pushBytes(L, buf, n)
	return 1
}

func (l *lib) sockRecvfrom(L *lua.LState) int {
	s := checkSock(L, 1)
	buf := l.buffer(checkSize(L, 2))
	var n int
	var from unix.Sockaddr
	err := s.do(false, "recvfrom", s.deadline(), func(flags int) (err error) {
		n, from, err = inherit.RecvFrom(s.fd, buf, flags)
		return err
	})
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.pushBytes(L, buf, n)
	if from == nil && s.family == unix.AF_UNIX {
		from = &unix.SockaddrUnix{} // an unnamed sender
	}
	return 1 + pushAddr(L, from)
}

var shutdownHow = map[string]int{"r": unix.SHUT_RD, "w": unix.SHUT_WR, "rw": unix.SHUT_RDWR}

func (l *lib) sockShutdown(L *lua.LState) int {
	s := checkSock(L, 1)
	how := shutdownHow[luaargs.CheckOption(L, 2, "", "r", "w", "rw")]
	return pushResult(L, inherit.Shutdown(s.fd, how))
}

// sockClose closes the socket. Closing a closed socket does nothing, as
// in Python.
func (l *lib) sockClose(L *lua.LState) int {
	ud, ok := L.Get(1).(*lua.LUserData)
	var s *Socket
	if ok {
		s, ok = ud.Value.(*Socket)
	}
	if !ok {
		luaargs.TypeError(L, 1, "socket")
	}
	return pushResult(L, s.close())
}

func (l *lib) sockFileno(L *lua.LState) int {
	L.Push(lua.LNumber(checkSock(L, 1).fd))
	return 1
}

// sockDup returns a socket on a non-inheritable duplicate of the
// descriptor, with the same timeout, as in Python.
func (l *lib) sockDup(L *lua.LState) int {
	s := checkSock(L, 1)
	nfd, err := inherit.Dup(s.fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.push(L, &Socket{&socket{st: l.st, fd: nfd, family: s.family, typ: s.typ, timeout: s.timeout}})
	return 1
}

func (l *lib) sockGetInheritable(L *lua.LState) int {
	inh, err := inherit.Inheritable(checkSock(L, 1).fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LBool(inh))
	return 1
}

func (l *lib) sockSetInheritable(L *lua.LState) int {
	s := checkSock(L, 1)
	return pushResult(L, inherit.SetInheritable(s.fd, luaargs.CheckBool(L, 2)))
}

// sockSettimeout sets the timeout of every later call: seconds (0 makes
// the socket non-blocking, as in Python, though only for safesh: the
// descriptor itself stays blocking), or nil for none.
func (l *lib) sockSettimeout(L *lua.LState) int {
	s := checkSock(L, 1)
	s.timeout = optTimeout(L, 2)
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) sockGettimeout(L *lua.LState) int {
	s := checkSock(L, 1)
	if s.timeout < 0 {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LNumber(s.timeout.Seconds()))
	}
	return 1
}

// sockSetblocking is Python's setblocking: false is settimeout(0), true
// settimeout(nil).
func (l *lib) sockSetblocking(L *lua.LState) int {
	s := checkSock(L, 1)
	if luaargs.CheckBool(L, 2) {
		s.timeout = -1
	} else {
		s.timeout = 0
	}
	L.Push(lua.LTrue)
	return 1
}

// A sockopt is a socket option a script names.
type sockopt struct {
	level, opt int
	kind       optKind
}

type optKind int

const (
	optFlag   optKind = iota // a boolean (or a number: non-zero is true)
	optInt                   // a number
	optLinger                // false, or seconds to linger
)

var sockopts = map[string]sockopt{
	"broadcast": {unix.SOL_SOCKET, unix.SO_BROADCAST, optFlag},
	"keepalive": {unix.SOL_SOCKET, unix.SO_KEEPALIVE, optFlag},
	"linger":    {unix.SOL_SOCKET, unix.SO_LINGER, optLinger},
	"nodelay":   {unix.IPPROTO_TCP, unix.TCP_NODELAY, optFlag},
	"rcvbuf":    {unix.SOL_SOCKET, unix.SO_RCVBUF, optInt},
	"reuseaddr": {unix.SOL_SOCKET, unix.SO_REUSEADDR, optFlag},
	"reuseport": {unix.SOL_SOCKET, unix.SO_REUSEPORT, optFlag},
	"sndbuf":    {unix.SOL_SOCKET, unix.SO_SNDBUF, optInt},
	"v6only":    {unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, optFlag},
}

// sockoptNames lists sockopts' names, sorted, for errors.
var sockoptNames = func() []string {
	var names []string
	for name := range sockopts {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}()

// sockSetsockopt sets an option by name: flags take a boolean, sizes a
// number, and "linger" false or a number of seconds.
func (l *lib) sockSetsockopt(L *lua.LState) int {
	s := checkSock(L, 1)
	o := sockopts[luaargs.CheckOption(L, 2, "", sockoptNames...)]
	var err error
	switch o.kind {
	case optFlag:
		v := 0
		switch b := L.Get(3).(type) {
		case lua.LBool:
			if b {
				v = 1
			}
		case lua.LNumber:
			if luaargs.CheckInt(L, 3) != 0 {
				v = 1
			}
		default:
			luaargs.TypeError(L, 3, "boolean")
		}
		err = inherit.SetsockoptInt(s.fd, o.level, o.opt, v)
	case optInt:
		v := luaargs.CheckInt(L, 3)
		if v < 0 || v > math.MaxInt32 {
			luaargs.ArgError(L, 3, "value out of range")
		}
		err = inherit.SetsockoptInt(s.fd, o.level, o.opt, v)
	case optLinger:
		if b, ok := L.Get(3).(lua.LBool); ok && !bool(b) {
			err = inherit.SetLinger(s.fd, false, 0)
			break
		}
		if _, ok := L.Get(3).(lua.LNumber); !ok {
			luaargs.TypeError(L, 3, "number or false")
		}
		sec := luaargs.CheckInt(L, 3)
		if sec < 0 || sec > math.MaxInt32 {
			luaargs.ArgError(L, 3, "linger must be a non-negative number of seconds")
		}
		err = inherit.SetLinger(s.fd, true, sec)
	}
	return pushResult(L, err)
}

// sockGetsockopt returns an option by name, in the form setsockopt takes.
func (l *lib) sockGetsockopt(L *lua.LState) int {
	s := checkSock(L, 1)
	o := sockopts[luaargs.CheckOption(L, 2, "", sockoptNames...)]
	if o.kind == optLinger {
		on, sec, err := inherit.Linger(s.fd)
		if err != nil {
			return luaerr.PushError(L, err)
		}
		if on {
			L.Push(lua.LNumber(sec))
		} else {
			L.Push(lua.LFalse)
		}
		return 1
	}
	v, err := inherit.GetsockoptInt(s.fd, o.level, o.opt)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if o.kind == optFlag {
		L.Push(lua.LBool(v != 0))
	} else {
		L.Push(lua.LNumber(v))
	}
	return 1
}

func (l *lib) sockGetsockname(L *lua.LState) int {
	sa, err := inherit.Getsockname(checkSock(L, 1).fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	return pushAddr(L, sa)
}

func (l *lib) sockGetpeername(L *lua.LState) int {
	sa, err := inherit.Getpeername(checkSock(L, 1).fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	return pushAddr(L, sa)
}
