package spawn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// FdOptions are the options that give a child descriptors beyond its
// standard ones: pass_fds, fds and listen_fds.
var FdOptions = []string{"pass_fds", "fds", "listen_fds"}

// ParseFdOptions reads FdOptions from opts, the options table at stack
// index optn, into s (PassFds, ChildFds, ListenFds); misuse raises a bad
// argument error. It returns the first descriptor the script may not use
// (state.State.Usable), for the caller to report when it starts the
// child, or nil.
func ParseFdOptions(L *lua.LState, st *state.State, optn int, opts *lua.LTable, s *Spec) (denied error) {
	usable := func(fd int) {
		if err := st.Usable(fd, "spawn"); err != nil && denied == nil {
			denied = err
		}
	}
	if v := opts.RawGetString("pass_fds"); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			luaargs.ArgError(L, optn, "pass_fds: array of fds expected, got "+v.Type().String())
		}
		for i := 1; i <= t.Len(); i++ {
			fd, ok := luaargs.FdOf(t.RawGetInt(i))
			if !ok || fd < 0 {
				luaargs.ArgError(L, optn, fmt.Sprintf("pass_fds[%d]: an open fd, file or socket expected", i))
			}
			if !slices.Contains(s.PassFds, fd) {
				s.PassFds = append(s.PassFds, fd)
			}
			usable(fd)
		}
	}
	if v := opts.RawGetString("fds"); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			luaargs.ArgError(L, optn, "fds: table of child fd = fd, file or socket expected, got "+v.Type().String())
		}
		s.ChildFds = map[int]int{}
		t.ForEach(func(k, fv lua.LValue) {
			n, isNum := k.(lua.LNumber)
			if !isNum || float64(n) != float64(int(n)) || n < 3 || n > 1<<20 {
				luaargs.ArgError(L, optn, fmt.Sprintf("fds: keys must be integers >= 3 (0-2 are stdin, stdout, stderr), got %s", lua.LVAsString(k)))
			}
			fd, ok := luaargs.FdOf(fv)
			if !ok || fd < 0 {
				luaargs.ArgError(L, optn, fmt.Sprintf("fds[%d]: an open fd, file or socket expected", int(n)))
			}
			s.ChildFds[int(n)] = fd
			usable(fd)
		})
	}
	if v := opts.RawGetString("listen_fds"); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			luaargs.ArgError(L, optn, "listen_fds: array of sockets or {socket, name} expected, got "+v.Type().String())
		}
		for i := 1; i <= t.Len(); i++ {
			e, name := t.RawGetInt(i), ""
			if pair, isPair := e.(*lua.LTable); isPair {
				n, isStr := pair.RawGetInt(2).(lua.LString)
				if !isStr || strings.ContainsAny(string(n), ":\x00") {
					luaargs.ArgError(L, optn, fmt.Sprintf("listen_fds[%d]: {socket, name} with a name without ':' expected", i))
				}
				e, name = pair.RawGetInt(1), string(n)
			}
			fd, ok := luaargs.FdOf(e)
			if !ok || fd < 0 {
				luaargs.ArgError(L, optn, fmt.Sprintf("listen_fds[%d]: an open socket or fd expected", i))
			}
			if _, clash := s.ChildFds[2+i]; clash {
				luaargs.ArgError(L, optn, fmt.Sprintf("fds[%d] clashes with listen_fds[%d]", 2+i, i))
			}
			s.ListenFds = append(s.ListenFds, ListenFd{Fd: fd, Name: name})
			usable(fd)
		}
	}
	return denied
}
