package signal

import lua "github.com/yuin/gopher-lua"

// Loader returns the signal module, which has nothing on Windows.
func Loader(L *lua.LState) int {
	L.RaiseError("signal: not supported on windows")
	return 0
}
