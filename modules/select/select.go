//go:build unix

package selectmod

import (
	"math"
	"os"
	"time"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// module binds the functions to their runtime's State.
type module struct {
	st *state.State
	// select's scratch space, reused from call to call.
	slot    []int32 // by descriptor: its index in pfds, plus one
	entries []entry
	pfds    []unix.PollFd
}

// entry is one object given to select, and where its descriptor's
// events are.
type entry struct {
	obj  lua.LValue
	list int
	slot int // index in pfds
}

// Loader returns the select module.
func Loader(L *lua.LState) int {
	m := &module{st: state.Get(L)}
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"select": m.selectSelect,
		"poll":   m.newPoll,
	})
	for name, v := range pollConsts {
		mod.RawSetString(name, lua.LNumber(v))
	}
	openEpoll(L, m, mod)
	L.Push(mod)
	return 1
}

// pollConsts are the poll(2) event bits, under Python's names.
var pollConsts = map[string]int{
	"POLLIN":   unix.POLLIN,
	"POLLPRI":  unix.POLLPRI,
	"POLLOUT":  unix.POLLOUT,
	"POLLERR":  unix.POLLERR,
	"POLLHUP":  unix.POLLHUP,
	"POLLNVAL": unix.POLLNVAL,
}

// buffered is an object that may hold read-ahead bytes (an io file).
type buffered interface {
	Buffered() int
}

// hasBuffered reports whether v is a file with bytes read ahead.
func hasBuffered(v lua.LValue) bool {
	if ud, ok := v.(*lua.LUserData); ok {
		if b, ok := ud.Value.(buffered); ok {
			return b.Buffered() > 0
		}
	}
	return false
}

// checkTimeout reads an optional timeout in seconds at argument n:
// negative duration for none.
func checkTimeout(L *lua.LState, n int, scale float64) time.Duration {
	if L.Get(n) == lua.LNil {
		return -1
	}
	s := luaargs.CheckNumber(L, n)
	switch {
	case math.IsNaN(s):
		luaargs.ArgError(L, n, "timeout is not a number")
	case s < 0:
		if scale == 1e-3 {
			return -1 // poll: a negative timeout blocks, as in Python
		}
		luaargs.ArgError(L, n, "timeout must be non-negative")
	case s*scale > float64(math.MaxInt64)/1e9:
		luaargs.ArgError(L, n, "timeout is too large")
	}
	return time.Duration(s * scale * 1e9)
}

// fdArg returns the descriptor of v, raising at argument n for a value
// that is not an fd number or a descriptor object, or an object that is
// closed.
func (m *module) fdArg(L *lua.LState, n int, v lua.LValue, what string) (int, error) {
	fd, ok := luaargs.FdOf(v)
	if !ok {
		luaargs.ArgError(L, n, what+"fd number, file or socket expected, got "+v.Type().String())
	}
	if _, isNum := v.(lua.LNumber); isNum {
		if f := float64(v.(lua.LNumber)); f != math.Trunc(f) || f < 0 {
			luaargs.ArgError(L, n, what+"fd must be a non-negative integer, got "+v.String())
		}
	} else if fd < 0 {
		luaargs.ArgError(L, n, what+"object is closed")
	}
	return fd, m.st.Usable(fd, "select")
}

// selectSelect is select.select(rlist, wlist, xlist [, timeout]).
func (m *module) selectSelect(L *lua.LState) int {
	var lists [3]*lua.LTable
	for i := range lists {
		v := L.Get(i + 1)
		t, ok := v.(*lua.LTable)
		if !ok {
			luaargs.TypeError(L, i+1, "table")
		}
		lists[i] = t
	}
	timeout := checkTimeout(L, 4, 1)
	entries := m.entries[:0]
	pfds := m.pfds[:0]
	defer func() {
		for _, p := range pfds {
			m.slot[p.Fd] = 0
		}
		clear(entries)
		m.entries, m.pfds = entries[:0], pfds[:0]
	}()
	events := [3]int16{unix.POLLIN, unix.POLLOUT, unix.POLLPRI}
	ready := 0
	for li, t := range lists {
		n := t.Len()
		for i := 1; i <= n; i++ {
			v := t.RawGetInt(i)
			fd, err := m.fdArg(L, li+1, v, "")
			if err != nil {
				return luaerr.PushError(L, err)
			}
			if fd >= len(m.slot) {
				m.slot = append(m.slot, make([]int32, fd+1-len(m.slot)+64)...)
			}
			s := int(m.slot[fd]) - 1
			if s < 0 {
				s = len(pfds)
				m.slot[fd] = int32(s + 1)
				pfds = append(pfds, unix.PollFd{Fd: int32(fd)})
			}
			pfds[s].Events |= events[li]
			entries = append(entries, entry{v, li, s})
			if li == 0 && hasBuffered(v) {
				ready++
			}
		}
	}
	if ready > 0 {
		timeout = 0 // buffered bytes are ready now: only look at the rest
	}
	m.st.FlushStdout()
	_, _, err := m.st.WaitEvents(pfds, timeout)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	var out [3]*lua.LTable
	for i := range out {
		out[i] = L.NewTable()
	}
	for _, e := range entries {
		p := pfds[e.slot]
		if p.Revents&unix.POLLNVAL != 0 {
			return luaerr.PushError(L, os.NewSyscallError("select", unix.EBADF))
		}
		var hit bool
		switch e.list {
		case 0:
			hit = p.Revents&(unix.POLLIN|unix.POLLHUP|unix.POLLERR) != 0 || hasBuffered(e.obj)
		case 1:
			hit = p.Revents&(unix.POLLOUT|unix.POLLHUP|unix.POLLERR) != 0
		case 2:
			hit = p.Revents&unix.POLLPRI != 0
		}
		if hit {
			out[e.list].Append(e.obj)
		}
	}
	L.Push(out[0])
	L.Push(out[1])
	L.Push(out[2])
	return 3
}
