package runtime

import (
	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	lua "github.com/yuin/gopher-lua"
)

// openString opens gopher-lua's string library with a string.rep that
// refuses a result larger than the machine's memory ("resulting string
// too large", as Lua 5.3 says) instead of letting the Go runtime die
// trying to allocate it.
func openString(L *lua.LState) int {
	n := lua.OpenString(L)
	mod, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return n
	}
	rep, ok := mod.RawGetString("rep").(*lua.LFunction)
	if !ok || rep.GFunction == nil {
		return n
	}
	mod.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
		s, count := luaargs.CheckString(L, 1), luaargs.CheckNumber(L, 2)
		if count >= 1 && float64(len(s))*count > float64(inherit.MemorySize()) {
			luaargs.ArgError(L, 2, "resulting string too large")
		}
		return rep.GFunction(L)
	}))
	return n
}
