package runtime

import (
	"strings"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	lua "github.com/yuin/gopher-lua"
)

// openString opens gopher-lua's string library with a string.rep that
// refuses a result larger than the machine's memory ("resulting string
// too large", as Lua 5.3 says) instead of letting the Go runtime die
// trying to allocate it, and a string.format that checks its arguments as
// Lua's does (gopher-lua formats "%d" of "x" as "0").
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
	if format, ok := mod.RawGetString("format").(*lua.LFunction); ok && format.GFunction != nil {
		mod.RawSetString("format", L.NewFunction(func(L *lua.LState) int {
			checkFormatArgs(L)
			return format.GFunction(L)
		}))
	}
	return n
}

// checkFormatArgs raises Lua's "bad argument" for string.format's
// arguments: a missing one ("no value") and a numeric conversion's
// argument that is not a number or a string convertible to one. A
// numeric string is converted in place, as Lua converts it.
func checkFormatArgs(L *lua.LState) {
	f := luaargs.CheckString(L, 1)
	arg := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			continue
		}
		for i < len(f) && strings.IndexByte("-+ #0123456789.", f[i]) >= 0 {
			i++
		}
		if i >= len(f) {
			return // gopher-lua's own message for a bad format
		}
		arg++
		// Named and numbered here, not by luaargs.ArgError: with a string
		// first argument, ArgError takes string.format for a method call.
		if L.GetTop() < arg {
			L.RaiseError("bad argument #%d to 'format' (no value)", arg)
		}
		if strings.IndexByte("diouxXceEfgGaA", f[i]) >= 0 {
			v := L.Get(arg)
			if _, ok := v.(lua.LNumber); ok {
				continue
			}
			if str, ok := v.(lua.LString); ok {
				if n, ok := luaargs.ParseNumber(string(str)); ok {
					L.Replace(arg, lua.LNumber(n)) // gopher-lua would print "%!f(string=...)"
					continue
				}
			}
			L.RaiseError("bad argument #%d to 'format' (number expected, got %s)", arg, luaargs.TypeName(L, arg))
		}
	}
}
