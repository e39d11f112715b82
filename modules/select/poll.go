//go:build unix

package selectmod

import (
	"os"
	"slices"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// pollObject is what select.poll() returns: the registered descriptors,
// in registration order, each with its object and events.
type pollObject struct {
	m    *module
	fds  []int
	regs map[int]pollReg
	pfds []unix.PollFd // poll's scratch slice
}

type pollReg struct {
	obj    lua.LValue
	events int16
}

const pollTypeName = "select.poll"

var pollMethods = map[string]lua.LGFunction{
	"register":   pollRegister,
	"modify":     pollModify,
	"unregister": pollUnregister,
	"poll":       pollPoll,
}

// validPoll are the events poll objects accept.
const validPoll = unix.POLLIN | unix.POLLPRI | unix.POLLOUT | unix.POLLERR | unix.POLLHUP | unix.POLLNVAL

func (m *module) newPoll(L *lua.LState) int {
	mt := L.NewTypeMetatable(pollTypeName)
	if mt.RawGetString("__index") == lua.LNil {
		L.SetField(mt, "__index", L.SetFuncs(L.NewTable(), pollMethods))
		L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString("select.poll object"))
			return 1
		}))
	}
	ud := L.NewUserData()
	ud.Value = &pollObject{m: m, regs: map[int]pollReg{}}
	L.SetMetatable(ud, mt)
	L.Push(ud)
	return 1
}

func checkPoll(L *lua.LState) *pollObject {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if p, ok := ud.Value.(*pollObject); ok {
			return p
		}
	}
	luaargs.ArgError(L, 1, "select.poll object expected, got "+luaargs.TypeName(L, 1))
	return nil
}

// checkEvents reads an optional event mask at argument n, refusing bits
// outside valid.
func checkEvents(L *lua.LState, n int, def, valid int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	ev := luaargs.CheckInt(L, n)
	if ev < 0 || ev&^valid != 0 {
		luaargs.ArgError(L, n, "unknown event bits in "+L.Get(n).String())
	}
	return ev
}

func (p *pollObject) register(L *lua.LState, mustExist bool) int {
	fd, err := p.m.fdArg(L, 2, L.Get(2), "")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	ev := checkEvents(L, 3, unix.POLLIN|unix.POLLPRI|unix.POLLOUT, validPoll)
	_, had := p.regs[fd]
	if mustExist && !had {
		return luaerr.PushError(L, os.NewSyscallError("modify", unix.ENOENT))
	}
	if !had {
		p.fds = append(p.fds, fd)
	}
	p.regs[fd] = pollReg{L.Get(2), int16(ev)}
	L.Push(lua.LTrue)
	return 1
}

func pollRegister(L *lua.LState) int { return checkPoll(L).register(L, false) }
func pollModify(L *lua.LState) int   { return checkPoll(L).register(L, true) }

func pollUnregister(L *lua.LState) int {
	p := checkPoll(L)
	fd, ok := luaargs.FdOf(L.Get(2))
	if !ok {
		luaargs.ArgError(L, 2, "fd number, file or socket expected, got "+luaargs.TypeName(L, 2))
	}
	if _, had := p.regs[fd]; !had || fd < 0 {
		return luaerr.PushError(L, os.NewSyscallError("unregister", unix.ENOENT))
	}
	delete(p.regs, fd)
	p.fds = slices.DeleteFunc(p.fds, func(x int) bool { return x == fd })
	L.Push(lua.LTrue)
	return 1
}

// pollPoll is poll([timeout_ms]): an array of {obj, events}. A descriptor
// closed while registered reports POLLNVAL, as in Python.
func pollPoll(L *lua.LState) int {
	p := checkPoll(L)
	timeout := checkTimeout(L, 2, 1e-3)
	pfds := p.pfds[:0]
	for _, fd := range p.fds {
		pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: p.regs[fd].events})
	}
	p.pfds = pfds
	p.m.st.FlushStdout()
	_, _, err := p.m.st.WaitEvents(pfds, timeout)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	out := L.NewTable()
	for _, pf := range pfds[:len(p.fds)] {
		if pf.Revents == 0 {
			continue
		}
		t := L.CreateTable(2, 0)
		t.RawSetInt(1, p.regs[int(pf.Fd)].obj)
		t.RawSetInt(2, lua.LNumber(pf.Revents))
		out.Append(t)
	}
	L.Push(out)
	return 1
}
