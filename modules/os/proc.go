package os

import (
	goos "os"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// kill is os.kill(pid, sig): sig is a number (0 only checks) or a name
// ("TERM", "SIGTERM"). A negative pid is a process group. A child the
// runtime started is signalled through its pidfd where there is one,
// which cannot reach another process that took its number; a restricted
// runtime may signal only those.
func (l *lib) kill(L *lua.LState) int {
	pid := luaargs.CheckInt(L, 1)
	sig := luaargs.CheckSignal(L, 2, true)
	if pid == 0 || pid == -1 {
		// The caller's own process group, or every process: never a
		// child of the script's alone.
		if err := l.st.Policy.Signal(pid, false); err != nil {
			return luaerr.PushError(L, err)
		}
		return ok(L, inherit.Kill(pid, sig))
	}
	p, group := l.st.Child(max(pid, -pid))
	child := p != nil && (pid > 0 || group)
	if err := l.st.Policy.Signal(pid, child); err != nil {
		return luaerr.PushError(L, err)
	}
	switch {
	case child && pid > 0:
		return ok(L, p.Signal(sig))
	case child:
		return ok(L, p.SignalGroup(sig))
	}
	return ok(L, inherit.Kill(pid, sig))
}

// ids are os.getppid, getuid, geteuid, getgid, getegid.
var ids = map[string]func() int{
	"getppid": goos.Getppid, "getuid": goos.Getuid, "geteuid": goos.Geteuid,
	"getgid": goos.Getgid, "getegid": goos.Getegid,
}

// uname is os.uname(): {sysname=, nodename=, release=, version=, machine=}.
func uname(L *lua.LState) int {
	u, err := inherit.GetUname()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	t := L.CreateTable(0, 5)
	t.RawSetString("sysname", lua.LString(u.Sysname))
	t.RawSetString("nodename", lua.LString(u.Nodename))
	t.RawSetString("release", lua.LString(u.Release))
	t.RawSetString("version", lua.LString(u.Version))
	t.RawSetString("machine", lua.LString(u.Machine))
	L.Push(t)
	return 1
}
