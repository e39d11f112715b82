package luaargs

import (
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// CheckSignal returns argument n as a signal: a number, or a name with or
// without "SIG" ("TERM", "SIGTERM"). Signal 0, which only checks that a
// process exists, is allowed if zero is set.
func CheckSignal(L *lua.LState, n int, zero bool) syscall.Signal {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		sig := int(v)
		if float64(v) != float64(sig) || sig < 0 || sig == 0 && !zero || sig >= 65 {
			ArgError(L, n, "invalid signal number "+v.String())
		}
		return syscall.Signal(sig)
	case lua.LString:
		name := string(v)
		if len(name) > 3 && name[:3] == "SIG" {
			name = name[3:]
		}
		if sig, ok := signals[name]; ok {
			return sig
		}
		ArgError(L, n, "unknown signal '"+string(v)+"'")
	default:
		TypeError(L, n, "signal number or name")
	}
	return 0
}
