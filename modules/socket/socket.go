//go:build unix

package socket

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	"github.com/safesh/safesh/internal/strmem"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// TypeName is the name of the socket metatable.
const TypeName = "socket"

// lib is the socket module of one runtime.
type lib struct {
	st      *state.State
	mt      *lua.LTable
	methods *lua.LTable
	buf     []byte // scratch buffer for recv: a runtime runs one call at a time
	filled  bool   // the last receive of 4 KiB or more filled half its buffer
}

// Loader returns the socket module's table and installs the socket type.
func Loader(L *lua.LState) int {
	l := &lib{st: state.Get(L)}
	l.methods = L.NewTable()
	L.SetFuncs(l.methods, map[string]lua.LGFunction{
		"bind":            l.sockBind,
		"listen":          l.sockListen,
		"accept":          l.sockAccept,
		"connect":         l.sockConnect,
		"send":            l.sockSend,
		"sendall":         l.sockSendall,
		"sendto":          l.sockSendto,
		"recv":            l.sockRecv,
		"recvfrom":        l.sockRecvfrom,
		"shutdown":        l.sockShutdown,
		"close":           l.sockClose,
		"fileno":          l.sockFileno,
		"dup":             l.sockDup,
		"get_inheritable": l.sockGetInheritable,
		"set_inheritable": l.sockSetInheritable,
		"settimeout":      l.sockSettimeout,
		"gettimeout":      l.sockGettimeout,
		"setblocking":     l.sockSetblocking,
		"setsockopt":      l.sockSetsockopt,
		"getsockopt":      l.sockGetsockopt,
		"getsockname":     l.sockGetsockname,
		"getpeername":     l.sockGetpeername,
	})
	l.mt = L.NewTypeMetatable(TypeName)
	l.mt.RawSetString("__index", l.methods)
	l.mt.RawSetString("__tostring", L.NewFunction(sockToString))
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"socket":            l.socketSocket,
		"socketpair":        l.socketSocketpair,
		"fromfd":            l.socketFromfd,
		"create_connection": l.socketCreateConnection,
		"create_server":     l.socketCreateServer,
		"send_fds":          l.socketSendFds,
		"recv_fds":          l.socketRecvFds,
	})
	if l.st.Policy.Unrestricted() {
		// Descriptors 3, 4, ... are the process's, not a plugin's.
		mod.RawSetString("listen_fds", L.NewFunction(l.socketListenFds))
	}
	L.Push(mod)
	return 1
}

// The families and types a script names, in the order errors list them.
var (
	familyNames = []string{"inet", "inet6", "unix"}
	typeNames   = []string{"stream", "dgram", "seqpacket"}
	families    = map[string]int{"inet": unix.AF_INET, "inet6": unix.AF_INET6, "unix": unix.AF_UNIX}
	types       = map[string]int{"stream": unix.SOCK_STREAM, "dgram": unix.SOCK_DGRAM, "seqpacket": unix.SOCK_SEQPACKET}
)

func familyName(family int) string {
	for name, f := range families {
		if f == family {
			return name
		}
	}
	return fmt.Sprintf("family %d", family)
}

func typeName(typ int) string {
	for name, t := range types {
		if t == typ {
			return name
		}
	}
	return fmt.Sprintf("type %d", typ)
}

// errnoError is an error with a message of its own that carries an errno,
// for failures that no system call reported.
type errnoError struct {
	msg   string
	errno syscall.Errno
}

func (e *errnoError) Error() string { return e.msg }
func (e *errnoError) Unwrap() error { return e.errno }

// errTimeout is what a call that outlives the socket's timeout returns:
// nil, "timeout", errno.ETIMEDOUT.
var errTimeout = &errnoError{"timeout", syscall.ETIMEDOUT}

// checkSock returns argument n, which must be an open socket.
func checkSock(L *lua.LState, n int) *Socket {
	ud, ok := L.Get(n).(*lua.LUserData)
	var s *Socket
	if ok {
		s, ok = ud.Value.(*Socket)
	}
	if !ok {
		luaargs.TypeError(L, n, "socket")
	}
	if s.fd < 0 {
		luaargs.ArgError(L, n, "socket is closed")
	}
	return s
}

// checkPort returns argument n as a port number.
func checkPort(L *lua.LState, n int) int {
	port := luaargs.CheckInt(L, n)
	if port < 0 || port > 65535 {
		luaargs.ArgError(L, n, fmt.Sprintf("port must be 0-65535, got %d", port))
	}
	return port
}

// optTimeout returns argument n as a timeout in seconds, or -1 (none) if
// it is nil or absent.
func optTimeout(L *lua.LState, n int) time.Duration {
	if L.Get(n) == lua.LNil {
		return -1
	}
	sec := luaargs.CheckNumber(L, n)
	if sec != sec || sec < 0 || sec > float64(1<<62)/float64(time.Second) {
		luaargs.ArgError(L, n, "timeout must be a non-negative number of seconds")
	}
	return time.Duration(sec * float64(time.Second))
}

// maxRecv bounds the buffer a recv allocates; like recv(2), it may return
// fewer bytes than asked.
const maxRecv = 16 << 20

// buffer returns a buffer for receiving up to n bytes.
func (l *lib) buffer(n int) []byte {
	n = min(n, maxRecv)
	if n > 64<<10 || n >= 4<<10 && l.filled {
		// Likely to fill much of it: the string's own memory (strmem),
		// not zeroed, which pushBytes hands over without a copy.
		return strmem.Make(n)
	}
	if l.buf == nil {
		l.buf = make([]byte, 64<<10)
	}
	return l.buf[:n]
}

// pushBytes pushes buf[:n], received into a buffer from buffer, as a
// string, and notes whether a receive of 4 KiB or more filled half of
// what it asked for.
func (l *lib) pushBytes(L *lua.LState, buf []byte, n int) {
	if len(buf) >= 4<<10 {
		l.filled = n >= len(buf)/2
	}
	if len(l.buf) > 0 && unsafe.SliceData(buf) == unsafe.SliceData(l.buf) {
		L.Push(lua.LString(buf[:n]))
		return
	}
	// A buffer of its own, not used again: the string takes it over.
	L.Push(lua.LString(strmem.String(buf[:n])))
}

// bytesOf returns the bytes of s without a copy; they must not be changed.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (l *lib) socketSocket(L *lua.LState) int {
	family := families[luaargs.CheckOption(L, 1, "inet", familyNames...)]
	typ := types[luaargs.CheckOption(L, 2, "stream", typeNames...)]
	proto := luaargs.OptInt(L, 3, 0)
	if err := l.st.ReserveFds(1); err != nil {
		return luaerr.PushError(L, err)
	}
	fd, err := inherit.Socket(family, typ, proto)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.push(L, &Socket{&socket{st: l.st, fd: fd, family: family, typ: typ, timeout: -1}})
	return 1
}

func (l *lib) socketSocketpair(L *lua.LState) int {
	family := families[luaargs.CheckOption(L, 1, "unix", familyNames...)]
	typ := types[luaargs.CheckOption(L, 2, "stream", typeNames...)]
	if err := l.st.ReserveFds(2); err != nil {
		return luaerr.PushError(L, err)
	}
	fds, err := inherit.Socketpair(family, typ, 0)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.push(L, &Socket{&socket{st: l.st, fd: fds[0], family: family, typ: typ, timeout: -1}})
	l.push(L, &Socket{&socket{st: l.st, fd: fds[1], family: family, typ: typ, timeout: -1}})
	return 2
}

// socketFromfd makes a socket object on a duplicate of fd, which stays the
// caller's. Its family and type are asked of the kernel; those given must
// agree with them.
func (l *lib) socketFromfd(L *lua.LState) int {
	fd := luaargs.CheckFd(L, 1)
	wantFamily, wantType := -1, -1
	if L.Get(2) != lua.LNil || L.Get(3) != lua.LNil {
		wantFamily = families[luaargs.CheckOption(L, 2, "", familyNames...)]
		wantType = types[luaargs.CheckOption(L, 3, "stream", typeNames...)]
	}
	if err := l.st.Usable(fd, "fromfd"); err != nil {
		return luaerr.PushError(L, err)
	}
	family, typ, err := inherit.SocketType(fd)
	if err != nil {
		return luaerr.PushError(L, os.NewSyscallError("fromfd", syscall.Errno(luaerr.Errno(err))))
	}
	if family < 0 {
		return luaerr.PushError(L, os.NewSyscallError("fromfd", syscall.EAFNOSUPPORT))
	}
	if wantFamily >= 0 && (family != wantFamily || typ != wantType) {
		return luaerr.PushError(L, &errnoError{
			fmt.Sprintf("fromfd: fd %d is a %s %s socket, not %s %s", fd,
				familyName(family), typeName(typ), familyName(wantFamily), typeName(wantType)),
			syscall.EINVAL,
		})
	}
	nfd, err := inherit.Dup(fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.push(L, &Socket{&socket{st: l.st, fd: nfd, family: family, typ: typ, timeout: -1}})
	return 1
}

// socketCreateConnection connects to host and port, trying each address
// the name resolves to in turn, as Python's create_connection does. The
// timeout applies to each attempt, and stays set on the socket.
func (l *lib) socketCreateConnection(L *lua.LState) int {
	host := luaargs.CheckString(L, 1)
	port := checkPort(L, 2)
	timeout := optTimeout(L, 3)
	if err := l.st.ReserveFds(1); err != nil {
		return luaerr.PushError(L, err)
	}
	ips, err := l.resolve(host, port, ipAny, timeout, "connect")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	for _, ip := range ips {
		if err = l.allowed("connect", host, ip, port); err != nil {
			continue
		}
		family := familyOf(ip)
		var fd int
		fd, err = inherit.Socket(family, unix.SOCK_STREAM, 0)
		if err != nil {
			break // EMFILE and the like: no other address will do better
		}
		s := &Socket{&socket{st: l.st, fd: fd, family: family, typ: unix.SOCK_STREAM, timeout: timeout}}
		if err = s.connect(sockaddrOf(ip, port)); err == nil {
			l.push(L, s)
			return 1
		}
		inherit.Close(fd)
		if errors.Is(err, luaerr.ErrInterrupted) {
			break
		}
	}
	return luaerr.PushError(L, err)
}

// backlog is listen's default backlog, as in Python.
const backlog = 128

// socketCreateServer makes a stream socket listening on host and port,
// with SO_REUSEADDR, and IPV6_V6ONLY for an IPv6 address, as Python's
// create_server does. host "" is every IPv4 address.
func (l *lib) socketCreateServer(L *lua.LState) int {
	host := luaargs.CheckString(L, 1)
	port := checkPort(L, 2)
	n := max(luaargs.OptInt(L, 3, backlog), 0)
	ip, err := l.resolveOne(host, port, ipAny, -1, "bind")
	if err == nil {
		err = l.allowed("bind", host, ip, port)
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	family := familyOf(ip)
	fd, err := inherit.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	err = inherit.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err == nil && family == unix.AF_INET6 {
		err = inherit.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
	}
	if err == nil {
		err = inherit.Bind(fd, sockaddrOf(ip, port))
	}
	if err == nil {
		err = inherit.Listen(fd, n)
	}
	if err != nil {
		inherit.Close(fd)
		return luaerr.PushError(L, err)
	}
	l.push(L, &Socket{&socket{st: l.st, fd: fd, family: family, typ: unix.SOCK_STREAM, timeout: -1}})
	return 1
}

// socketSendFds sends data and the descriptors in fds (numbers, files or
// sockets) in one SCM_RIGHTS message.
func (l *lib) socketSendFds(L *lua.LState) int {
	s := checkSock(L, 1)
	data := luaargs.CheckString(L, 2)
	t, ok := L.Get(3).(*lua.LTable)
	if !ok {
		luaargs.TypeError(L, 3, "table")
	}
	fds := make([]int, t.Len())
	for i := range fds {
		v := t.RawGetInt(i + 1)
		fd, ok := luaargs.FdOf(v)
		if num, isNum := v.(lua.LNumber); isNum && (float64(num) != float64(fd) || fd < 0) {
			ok = false
		}
		if !ok {
			luaargs.ArgError(L, 3, fmt.Sprintf("fds[%d] must be a descriptor number, file or socket, got %s", i+1, v.Type()))
		}
		if fd < 0 {
			luaargs.ArgError(L, 3, fmt.Sprintf("fds[%d] is closed", i+1))
		}
		fds[i] = fd
	}
	for _, fd := range fds {
		if err := l.st.Usable(fd, "sendmsg"); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	if err := s.sendable("sendmsg"); err != nil {
		return luaerr.PushError(L, err)
	}
	var n int
	err := s.do(true, "sendmsg", s.deadline(), func(int) (err error) {
		// SendFds has no MSG_DONTWAIT: after the wait it may block
		// until the whole message fits (see docs/socket.md).
		n, err = inherit.SendFds(s.fd, bytesOf(data), fds)
		return err
	})
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// mayReceive checks the IPv4 and IPv6 sockets among descriptors a peer
// passed against the policy, as if the script had made them what they
// are: a listening socket, or one bound and not connected (which anyone
// may send to), needs a listen grant for its address; a connected one, a
// connect grant for its peer. A unix socket, an unbound one and any other
// descriptor pass: what the script does with them later is checked then.
func (l *lib) mayReceive(fds []int) error {
	for _, fd := range fds {
		family, _, err := inherit.SocketType(fd)
		if err != nil || family != unix.AF_INET && family != unix.AF_INET6 {
			continue
		}
		local, err := inherit.Getsockname(fd)
		if err != nil {
			return err
		}
		ip, port, _ := inetAddr(local)
		op := "bind"
		listening, err := inherit.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
		if err != nil {
			return err
		}
		if listening == 0 {
			if peer, err := inherit.Getpeername(fd); err == nil {
				ip, port, _ = inetAddr(peer)
				op = "connect"
			} else if port == 0 {
				continue // unbound
			}
		}
		if err := l.allowedAs("recv_fds", op, ip.String(), ip, port); err != nil {
			return err
		}
	}
	return nil
}

// socketRecvFds receives up to bufsize bytes and up to maxfds descriptors,
// each non-inheritable and recorded as the runtime's. If the policy
// refuses one of them (see mayReceive), all are closed and the call
// fails: the data received with them is lost. The third result
// reports that the sender passed more descriptors than maxfds (the kernel
// closed the rest).
func (l *lib) socketRecvFds(L *lua.LState) int {
	s := checkSock(L, 1)
	size := luaargs.CheckInt(L, 2)
	if size < 0 {
		luaargs.ArgError(L, 2, "bufsize must be non-negative")
	}
	maxfds := luaargs.CheckInt(L, 3)
	if maxfds < 0 || maxfds > 253 {
		luaargs.ArgError(L, 3, "maxfds must be 0-253")
	}
	buf := l.buffer(size)
	var n int
	var fds []int
	var truncated bool
	err := s.do(false, "recvmsg", s.deadline(), func(flags int) (err error) {
		n, fds, truncated, err = inherit.RecvFds(s.fd, buf, maxfds, flags)
		return err
	})
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if len(fds) > maxfds {
		// The control buffer is rounded up for alignment, so the kernel
		// may pass a few more than asked: hold to maxfds.
		for _, fd := range fds[maxfds:] {
			inherit.Close(fd)
		}
		fds, truncated = fds[:maxfds], true
	}
	if err := l.mayReceive(fds); err != nil {
		for _, fd := range fds {
			inherit.Close(fd)
		}
		return luaerr.PushError(L, err)
	}
	t := L.CreateTable(len(fds), 0)
	for _, fd := range fds {
		l.st.Fds.Add(fd, nil)
		t.Append(lua.LNumber(fd))
	}
	l.pushBytes(L, buf, n)
	L.Push(t)
	L.Push(lua.LBool(truncated))
	return 3
}

// socketListenFds is sd_listen_fds(3): the sockets a service manager
// passed as 3, 4, ... (LISTEN_FDS of them, if LISTEN_PID is this
// process), made close-on-exec, each with .name from LISTEN_FDNAMES. With
// unset_env (the default) the three variables are removed, so that
// children do not take them for their own. A descriptor that is not a
// socket is made close-on-exec and left out.
func (l *lib) socketListenFds(L *lua.LState) int {
	unset := L.OptBool(1, true)
	pid, nfds, names := os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS"), os.Getenv("LISTEN_FDNAMES")
	if unset {
		os.Unsetenv("LISTEN_PID")
		os.Unsetenv("LISTEN_FDS")
		os.Unsetenv("LISTEN_FDNAMES")
	}
	out := L.NewTable()
	L.Push(out)
	if p, err := strconv.Atoi(pid); err != nil || p != os.Getpid() {
		return 1
	}
	n, err := strconv.Atoi(nfds)
	if err != nil || n <= 0 {
		return 1
	}
	nameList := strings.Split(names, ":")
	for i := range n {
		fd := 3 + i
		if err := inherit.SetInheritable(fd, false); err != nil {
			continue
		}
		family, typ, err := inherit.SocketType(fd)
		if err != nil || family < 0 {
			continue
		}
		name := "unknown"
		if i < len(nameList) && names != "" {
			name = nameList[i]
		}
		l.push(L, &Socket{&socket{st: l.st, fd: fd, family: family, typ: typ, timeout: -1}})
		ud := L.Get(-1).(*lua.LUserData)
		fields := L.NewTable()
		fields.RawSetString("name", lua.LString(name))
		fieldsMt := L.NewTable()
		fieldsMt.RawSetString("__index", l.methods)
		L.SetMetatable(fields, fieldsMt)
		mt := L.NewTable()
		mt.RawSetString("__index", fields)
		mt.RawSetString("__tostring", l.mt.RawGetString("__tostring"))
		L.SetMetatable(ud, mt)
		L.Pop(1)
		out.Append(ud)
	}
	return 1
}
