// This file implements select.epoll, on Linux only.

package selectmod

import (
	"errors"
	"runtime"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Epoll is the value of a select.epoll userdata. Dropped unclosed, its
// descriptor is closed through the runtime's descriptor table.
type Epoll struct {
	*epoll
}

// epoll is what an Epoll holds; it must not refer to its Epoll.
type epoll struct {
	m       *module
	fd      int // -1 once closed
	objs    map[int]lua.LValue
	events  []unix.EpollEvent
	cleanup runtime.Cleanup
}

// Fd returns the epoll descriptor, or -1 once closed.
func (e *epoll) Fd() int { return e.fd }

// Release implements state.Owner: the descriptor is being closed by
// number.
func (e *epoll) Release() error {
	e.cleanup.Stop()
	e.fd = -1
	e.objs = nil
	return nil
}

const epollTypeName = "select.epoll"

var epollConsts = map[string]int{
	"EPOLLIN":        unix.EPOLLIN,
	"EPOLLOUT":       unix.EPOLLOUT,
	"EPOLLPRI":       unix.EPOLLPRI,
	"EPOLLERR":       unix.EPOLLERR,
	"EPOLLHUP":       unix.EPOLLHUP,
	"EPOLLRDHUP":     unix.EPOLLRDHUP,
	"EPOLLET":        unix.EPOLLET,
	"EPOLLONESHOT":   unix.EPOLLONESHOT,
	"EPOLLEXCLUSIVE": unix.EPOLLEXCLUSIVE,
	"EPOLLRDNORM":    unix.EPOLLRDNORM,
	"EPOLLRDBAND":    unix.EPOLLRDBAND,
	"EPOLLWRNORM":    unix.EPOLLWRNORM,
	"EPOLLWRBAND":    unix.EPOLLWRBAND,
	"EPOLLMSG":       unix.EPOLLMSG,
}

// validEpoll are the event bits register and modify accept.
var validEpoll = func() int {
	v := 0
	for _, b := range epollConsts {
		v |= b
	}
	return v
}()

var epollMethods = map[string]lua.LGFunction{
	"register":        epollRegister,
	"modify":          epollModify,
	"unregister":      epollUnregister,
	"poll":            epollPoll,
	"fileno":          epollFileno,
	"close":           epollClose,
	"closed":          epollClosed,
	"get_inheritable": epollGetInheritable,
	"set_inheritable": epollSetInheritable,
}

func openEpoll(L *lua.LState, m *module, mod *lua.LTable) {
	for name, v := range epollConsts {
		mod.RawSetString(name, lua.LNumber(v))
	}
	mt := L.NewTypeMetatable(epollTypeName)
	L.SetField(mt, "__index", L.SetFuncs(L.NewTable(), epollMethods))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		e := checkEpollAny(L)
		if e.fd < 0 {
			L.Push(lua.LString("select.epoll (closed)"))
		} else {
			L.Push(lua.LString("select.epoll (fd " + itoa(e.fd) + ")"))
		}
		return 1
	}))
	mod.RawSetString("epoll", L.NewFunction(m.newEpoll))
}

func itoa(n int) string { return lua.LNumber(n).String() }

// newEpoll is select.epoll([sizehint [, flags]]): the hint is ignored, as
// Linux ignores it; flags may only be 0 or EPOLL_CLOEXEC, which is always
// set.
func (m *module) newEpoll(L *lua.LState) int {
	if L.Get(1) != lua.LNil {
		if n := luaargs.CheckInt(L, 1); n < -1 || n == 0 {
			luaargs.ArgError(L, 1, "sizehint must be positive or -1")
		}
	}
	if L.Get(2) != lua.LNil {
		if f := luaargs.CheckInt(L, 2); f != 0 && f != unix.EPOLL_CLOEXEC {
			luaargs.ArgError(L, 2, "flags must be 0 or EPOLL_CLOEXEC")
		}
	}
	fd, err := inherit.EpollCreate()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	e := &Epoll{&epoll{m: m, fd: fd, objs: map[int]lua.LValue{}}}
	m.st.Fds.Add(fd, e.epoll)
	e.cleanup = state.Track(m.st.Fds, e, fd, e.epoll)
	ud := L.NewUserData()
	ud.Value = e
	L.SetMetatable(ud, L.GetTypeMetatable(epollTypeName))
	L.Push(ud)
	return 1
}

func checkEpollAny(L *lua.LState) *Epoll {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if e, ok := ud.Value.(*Epoll); ok {
			return e
		}
	}
	luaargs.ArgError(L, 1, "select.epoll expected, got "+luaargs.TypeName(L, 1))
	return nil
}

// checkEpoll returns the open epoll object of argument 1, raising for a
// closed one, as Python's "I/O operation on closed epoll object".
func checkEpoll(L *lua.LState) *Epoll {
	e := checkEpollAny(L)
	if e.fd < 0 {
		L.RaiseError("epoll object is closed")
	}
	return e
}

func (e *Epoll) ctl(L *lua.LState, op int) int {
	fd, err := e.m.fdArg(L, 2, L.Get(2), "")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	ev := 0
	if op != unix.EPOLL_CTL_DEL {
		ev = checkEvents(L, 3, unix.EPOLLIN|unix.EPOLLPRI|unix.EPOLLOUT, validEpoll)
	}
	if err := inherit.EpollCtl(e.fd, op, fd, uint32(ev)); err != nil {
		return luaerr.PushError(L, err)
	}
	if op == unix.EPOLL_CTL_DEL {
		delete(e.objs, fd)
	} else {
		e.objs[fd] = L.Get(2)
	}
	L.Push(lua.LTrue)
	return 1
}

func epollRegister(L *lua.LState) int   { return checkEpoll(L).ctl(L, unix.EPOLL_CTL_ADD) }
func epollModify(L *lua.LState) int     { return checkEpoll(L).ctl(L, unix.EPOLL_CTL_MOD) }
func epollUnregister(L *lua.LState) int { return checkEpoll(L).ctl(L, unix.EPOLL_CTL_DEL) }

// epollPoll is poll([timeout [, maxevents]]): timeout in seconds (nil or
// negative: none), an array of {obj, events}.
func epollPoll(L *lua.LState) int {
	e := checkEpoll(L)
	timeout := time.Duration(-1)
	if L.Get(2) != lua.LNil {
		if s := luaargs.CheckNumber(L, 2); s >= 0 {
			timeout = checkTimeout(L, 2, 1)
		}
	}
	maxev := 0
	if L.Get(3) != lua.LNil {
		maxev = luaargs.CheckInt(L, 3)
		if maxev == 0 || maxev < -1 {
			luaargs.ArgError(L, 3, "maxevents must be positive or -1")
		}
	}
	if maxev <= 0 {
		// As Python: at most FD_SETSIZE-1 at a time; the rest come in
		// the next call. The kernel's cost grows with the room given.
		maxev = min(max(len(e.objs), 1), 1023)
	}
	if cap(e.events) < maxev {
		e.events = make([]unix.EpollEvent, maxev)
	}
	events := e.events[:maxev]
	e.m.st.FlushStdout()
	if e.m.st.InTask() && timeout != 0 {
		// The epoll descriptor is readable when it has events: the task
		// waits for that, and only the task.
		r, err := e.m.st.Wait(e.fd, false, timeout)
		if err != nil {
			return luaerr.PushError(L, err)
		}
		if r == inherit.TimedOut {
			L.Push(L.NewTable())
			return 1
		}
		timeout = 0
	}
	var n int
	var r inherit.Readiness
	var err error
	deadline := time.Now().Add(timeout)
	for {
		var wake int
		wake, err = e.m.st.WakeFd()
		if err != nil {
			return luaerr.PushError(L, err)
		}
		left := timeout
		if timeout > 0 {
			left = max(time.Until(deadline), 0)
		}
		n, r, err = inherit.EpollWait(e.fd, events, left, wake)
		if r != inherit.Woken {
			break
		}
		// The runtime's context, or a signal, whose handler runs (and may
		// raise); then the wait resumes for what is left of timeout.
		if err := e.m.st.Woke(); err != nil {
			var herr *state.HandlerError
			if errors.As(err, &herr) {
				L.Error(herr.Value, 0)
			}
			return luaerr.PushError(L, luaerr.ErrInterrupted)
		}
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	out := L.CreateTable(n, 0)
	for _, ev := range events[:n] {
		obj, ok := e.objs[int(ev.Fd)]
		if !ok {
			obj = lua.LNumber(ev.Fd)
		}
		t := L.CreateTable(2, 0)
		t.RawSetInt(1, obj)
		t.RawSetInt(2, lua.LNumber(ev.Events))
		out.Append(t)
	}
	L.Push(out)
	return 1
}

func epollFileno(L *lua.LState) int {
	L.Push(lua.LNumber(checkEpoll(L).fd))
	return 1
}

func epollClosed(L *lua.LState) int {
	L.Push(lua.LBool(checkEpollAny(L).fd < 0))
	return 1
}

// epollClose closes the instance; closing a closed one does nothing.
func epollClose(L *lua.LState) int {
	e := checkEpollAny(L)
	if e.fd >= 0 {
		fd := e.fd
		e.cleanup.Stop()
		e.fd = -1
		e.objs = nil
		e.m.st.Fds.Forget(fd)
		if err := inherit.Close(fd); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	L.Push(lua.LTrue)
	return 1
}

func epollGetInheritable(L *lua.LState) int {
	inh, err := inherit.Inheritable(checkEpoll(L).fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LBool(inh))
	return 1
}

func epollSetInheritable(L *lua.LState) int {
	e := checkEpoll(L)
	if err := inherit.SetInheritable(e.fd, luaargs.CheckBool(L, 2)); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}
