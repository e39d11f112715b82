package task

import lua "github.com/yuin/gopher-lua"

// Loader returns the task module, which has nothing on Windows.
func Loader(L *lua.LState) int {
	L.RaiseError("task: not supported on windows")
	return 0
}
