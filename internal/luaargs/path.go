package luaargs

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// CheckPath returns argument n as a path: a string (or a number) without
// a NUL byte, which no system call could take whole (it would end the
// path there).
func CheckPath(L *lua.LState, n int) string {
	p := CheckString(L, n)
	if strings.IndexByte(p, 0) >= 0 {
		ArgError(L, n, "path contains a NUL byte")
	}
	return p
}

// OptPath returns argument n as a path, or def if it is nil or absent.
func OptPath(L *lua.LState, n int, def string) string {
	if L.Get(n) == lua.LNil {
		return def
	}
	return CheckPath(L, n)
}
