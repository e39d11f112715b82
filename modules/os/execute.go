package os

import (
	goos "os"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	lua "github.com/yuin/gopher-lua"
)

// execute implements os.execute([command]): command runs under /bin/sh -c
// with the runtime's standard streams and no other descriptor. It returns
// the exit status as a number, as Lua 5.1 scripts compare it with 0
// (128+N when killed by signal N, as a shell reports it), then "exit" or
// "signal" and the status or signal number, as Lua 5.2 adds. With no
// command it returns 1 if a shell is available, 0 if not. A shell that
// cannot be started gives nil, message, errno. An options table after the
// command takes the child options of subprocess.Popen that concern the
// child's process image (spawn.ChildOptions).
func (l *lib) execute(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		ok := 0
		if fi, err := goos.Stat("/bin/sh"); err == nil && fi.Mode()&0o111 != 0 && l.st.Policy.Program("/bin/sh") == nil {
			ok = 1
		}
		L.Push(lua.LNumber(ok))
		return 1
	}
	cmd := luaargs.CheckString(L, 1)
	s := &spawn.Spec{Program: "/bin/sh", Argv: []string{"sh", "-c", cmd}}
	if L.Get(2) != lua.LNil {
		spawn.ParseChildOptions(L, l.st, 2, luaargs.CheckOptions(L, 2, spawn.ChildOptions...), s)
	}
	// From the start, so that Ctrl-C as the child starts is the child's
	// to answer too (state.State.WaitsForChild).
	defer l.st.WaitForChild()()
	c, err := spawn.Start(l.st, s)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if _, err := c.Wait(-1); err != nil {
		return luaerr.PushError(L, err)
	}
	status, _ := c.Status()
	if status.Signal != 0 {
		L.Push(lua.LNumber(128 + int(status.Signal)))
		L.Push(lua.LString("signal"))
		L.Push(lua.LNumber(status.Signal))
		return 3
	}
	L.Push(lua.LNumber(status.Code))
	L.Push(lua.LString("exit"))
	L.Push(lua.LNumber(status.Code))
	return 3
}
