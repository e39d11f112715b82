package os

import (
	goos "os"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/lstate"
	lua "github.com/yuin/gopher-lua"
)

// execute implements os.execute([command]): command runs under /bin/sh -c
// with descriptors 0, 1 and 2 only. It returns the exit status as a
// number, as Lua 5.1 scripts compare it with 0 (128+N when killed by
// signal N, as a shell reports it), then "exit" or "signal" and the status
// or signal number, as Lua 5.2 adds. With no command it returns 1 if a
// shell is available, 0 if not. A shell that cannot be started gives
// nil, message, errno.
func (l *lib) execute(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		ok := 0
		if fi, err := goos.Stat("/bin/sh"); err == nil && fi.Mode()&0o111 != 0 && l.st.CheckProgram("/bin/sh") == nil {
			ok = 1
		}
		L.Push(lua.LNumber(ok))
		return 1
	}
	cmd := lstate.CheckString(L, 1)
	if err := l.st.CheckProgram("/bin/sh"); err != nil {
		return lstate.PushError(L, err)
	}
	l.st.FlushStdout()
	p, err := inherit.StartProcess("/bin/sh", []string{"sh", "-c", cmd}, &inherit.ProcAttr{Env: l.st.ChildEnv(nil)})
	if err != nil {
		return lstate.PushError(L, err)
	}
	l.st.AddChild(p, false)
	if _, err := l.st.WaitProcess(p, -1); err != nil {
		return lstate.PushError(L, err)
	}
	status, _ := p.Done()
	l.st.RemoveChild(p)
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
