// This file gives Windows a socket module that loads but cannot be used:
// safesh's descriptor primitives are not implemented there yet.

package socket

import lua "github.com/yuin/gopher-lua"

// TypeName is the name of the socket metatable.
const TypeName = "socket"

// Loader raises an error: the socket module is not supported on Windows.
func Loader(L *lua.LState) int {
	L.RaiseError("socket: not supported on windows")
	return 0
}
