package luaargs

import (
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// SignalOf returns v as a signal, as CheckSignal takes it (a number from
// 1, or a name with or without "SIG"), and false if it is none.
func SignalOf(v lua.LValue) (syscall.Signal, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		sig := int(v)
		if float64(v) != float64(sig) || sig < 1 || sig >= 65 {
			return 0, false
		}
		return syscall.Signal(sig), true
	case lua.LString:
		name := string(v)
		if len(name) > 3 && name[:3] == "SIG" {
			name = name[3:]
		}
		sig, ok := signals[name]
		return sig, ok
	}
	return 0, false
}

// EachSignal calls fn with each signal CheckSignal knows by name, and the
// name without "SIG": the signal module's constants are these.
func EachSignal(fn func(name string, sig syscall.Signal)) {
	for name, sig := range signals {
		fn(name, sig)
	}
}
