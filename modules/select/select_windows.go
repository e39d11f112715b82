package selectmod

import lua "github.com/yuin/gopher-lua"

// Loader returns the select module, which has nothing on Windows.
func Loader(L *lua.LState) int {
	L.RaiseError("select: not supported on windows")
	return 0
}
