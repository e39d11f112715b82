// Package luaargs checks the arguments of Go functions called from Lua,
// raising "bad argument #N to 'name' (...)" as Lua 5.1's luaL_check*
// functions do, with the function named as its caller spelled it. Every
// safesh module uses these, never gopher-lua's L.Check*, so that messages
// are the same everywhere.
package luaargs

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// ArgError raises "bad argument #n to 'name' (msg)", naming the function
// as its caller spelled it, as Lua 5.1's luaL_argerror does. In a method
// call (obj:name(...)) the object is not counted, and a bad object raises
// "calling 'name' on bad self (msg)".
func ArgError(L *lua.LState, n int, msg string) {
	name, method := callee(L)
	if method {
		n--
		if n == 0 {
			L.RaiseError("calling '%s' on bad self (%s)", name, msg)
		}
	}
	L.RaiseError("bad argument #%d to '%s' (%s)", n, name, msg)
}

// TypeError raises ArgError's message "want expected, got type".
func TypeError(L *lua.LState, n int, want string) {
	ArgError(L, n, want+" expected, got "+TypeName(L, n))
}

// TypeName returns the type of argument n as Lua 5.1 names it in errors:
// "no value" when it is missing.
func TypeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// callee returns the name of the running Go function as its caller spelled
// it, and whether the call looks like a method call: the first argument is
// a value whose metatable's __index holds this very function under that
// name. A call that names no function (pcall(os.close, -1), a coroutine's
// body, a call from Go) gets the name FindFunc finds for the function, as
// Lua 5.4 does ("os.close"), and "?" only when it finds none.
func callee(L *lua.LState) (name string, method bool) {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?", false
	}
	fn, err := L.GetInfo("nf", dbg, lua.LNil)
	if err != nil {
		return "?", false
	}
	if dbg.Name == "" || dbg.Name == "?" || strings.HasPrefix(dbg.Name, "(") || dbg.Name == "main chunk" || dbg.Name == "corountine" {
		if place, ok := FindFunc(L, fn); ok {
			return place.Name, false
		}
		return "?", false
	}
	if mt, ok := L.GetMetatable(L.Get(1)).(*lua.LTable); ok {
		if index, ok := mt.RawGetString("__index").(*lua.LTable); ok {
			method = index.RawGetString(dbg.Name) == fn
		}
	}
	return dbg.Name, method
}

// CheckString returns argument n as a string; numbers are converted, as
// in Lua.
func CheckString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	TypeError(L, n, "string")
	return ""
}

// OptString returns argument n as a string, or def if it is nil or absent.
func OptString(L *lua.LState, n int, def string) string {
	if L.Get(n) == lua.LNil {
		return def
	}
	return CheckString(L, n)
}

// CheckNumber returns argument n as a number; numeric strings are
// converted, as in Lua.
func CheckNumber(L *lua.LState, n int) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		if f, ok := ParseNumber(string(v)); ok {
			return f
		}
	}
	TypeError(L, n, "number")
	return 0
}

// ParseNumber converts s to a number as Lua 5.1's tonumber does: decimal
// with optional fraction and exponent, or hexadecimal with 0x, surrounded
// by optional spaces.
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	body := s
	if strings.HasPrefix(body, "-") {
		neg, body = true, body[1:]
	} else if strings.HasPrefix(body, "+") {
		body = body[1:]
	}
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		u, err := strconv.ParseUint(body[2:], 16, 64)
		if err != nil {
			return 0, false
		}
		if neg {
			return -float64(u), true
		}
		return float64(u), true
	}
	if body == "" || !(body[0] >= '0' && body[0] <= '9' || body[0] == '.') {
		return 0, false // no "inf", "nan" or "Infinity"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// CheckInt returns argument n as an integer. A number with a fraction, or
// one out of range, is an argument error rather than silently truncated.
func CheckInt(L *lua.LState, n int) int {
	f := CheckNumber(L, n)
	if f != math.Trunc(f) || f < math.MinInt64 || f > math.MaxInt64 {
		ArgError(L, n, "number has no integer representation")
	}
	return int(f)
}

// OptInt returns argument n as an integer, or def if it is nil or absent.
func OptInt(L *lua.LState, n int, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return CheckInt(L, n)
}

// CheckFd returns argument n as a descriptor number: a non-negative
// integer. It does not check that the descriptor is open, nor that the
// script may use it (see state.State.Usable).
func CheckFd(L *lua.LState, n int) int {
	v, ok := L.Get(n).(lua.LNumber)
	if !ok {
		TypeError(L, n, "fd (number)")
	}
	f := float64(v)
	if f != math.Trunc(f) || f < 0 {
		ArgError(L, n, "fd must be a non-negative integer, got "+v.String())
	}
	if f > math.MaxInt32 {
		ArgError(L, n, "fd out of range, got "+v.String())
	}
	return int(f)
}

// CheckBool returns argument n, which must be a boolean.
func CheckBool(L *lua.LState, n int) bool {
	v, ok := L.Get(n).(lua.LBool)
	if !ok {
		TypeError(L, n, "boolean")
	}
	return bool(v)
}

// OptBool returns argument n, which must be a boolean, nil or absent; def
// if nil or absent.
func OptBool(L *lua.LState, n int, def bool) bool {
	if L.Get(n) == lua.LNil {
		return def
	}
	return CheckBool(L, n)
}

// CheckOption returns argument n, a string that must be one of options.
// def is returned when the argument is nil or absent, unless def is "".
func CheckOption(L *lua.LState, n int, def string, options ...string) string {
	if def != "" && L.Get(n) == lua.LNil {
		return def
	}
	s := CheckString(L, n)
	if !slices.Contains(options, s) {
		ArgError(L, n, fmt.Sprintf("invalid option '%s' (expected %s)", s, quoteList(options)))
	}
	return s
}

func quoteList(options []string) string {
	q := make([]string, len(options))
	for i, o := range options {
		q[i] = "'" + o + "'"
	}
	return strings.Join(q, ", ")
}

// CheckOptions returns argument n, an options table, after checking that
// every key is one of allowed. A nil or absent argument gives an empty
// table. An unknown key is an argument error: options are never silently
// ignored.
func CheckOptions(L *lua.LState, n int, allowed ...string) *lua.LTable {
	switch v := L.Get(n).(type) {
	case *lua.LTable:
		var bad string
		v.ForEach(func(k, _ lua.LValue) {
			if bad != "" {
				return
			}
			if s, ok := k.(lua.LString); !ok || !slices.Contains(allowed, string(s)) {
				bad = k.String()
				if _, ok := k.(lua.LString); !ok {
					bad = "[" + bad + "]"
				}
			}
		})
		if bad != "" {
			ArgError(L, n, fmt.Sprintf("unknown option '%s' (expected %s)", bad, quoteList(allowed)))
		}
		return v
	case *lua.LNilType:
		return L.NewTable()
	}
	TypeError(L, n, "table")
	return nil
}

// CheckTable returns argument n, which must be a table.
func CheckTable(L *lua.LState, n int) *lua.LTable {
	t, ok := L.Get(n).(*lua.LTable)
	if !ok {
		TypeError(L, n, "table")
	}
	return t
}

// CheckAny returns argument n, which may be anything but absent.
func CheckAny(L *lua.LState, n int) lua.LValue {
	if n > L.GetTop() {
		ArgError(L, n, "value expected")
	}
	return L.Get(n)
}

// OptBoolField returns option name of the options table opts (argument
// n): def if it is nil, its value if it is a boolean; anything else is an
// argument error naming the option.
func OptBoolField(L *lua.LState, opts *lua.LTable, n int, name string, def bool) bool {
	switch v := opts.RawGetString(name).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	default:
		ArgError(L, n, name+": boolean expected, got "+v.Type().String())
	}
	return def
}
