// Package shlex is safesh's shlex module: Python's shlex.split, quote and
// join, with the same results for the same strings (see internal/shlex).
//
//	shlex.split(s)     the words of s as a POSIX shell splits them (nothing expanded)
//	shlex.quote(s)     s quoted for a shell, if it needs it
//	shlex.join(args)   the words quoted and joined with spaces
//
// A string that split cannot read (a quote not closed, a backslash at the
// end) is a bad argument, as Python's raises ValueError.
package shlex

import (
	"fmt"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/shlex"
	lua "github.com/yuin/gopher-lua"
)

// Loader returns the shlex module.
func Loader(L *lua.LState) int {
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"split": split,
		"quote": quote,
		"join":  join,
	})
	L.Push(mod)
	return 1
}

func split(L *lua.LState) int {
	words, err := shlex.Split(luaargs.CheckString(L, 1))
	if err != nil {
		luaargs.ArgError(L, 1, err.Error())
	}
	t := L.CreateTable(len(words), 0)
	for _, w := range words {
		t.Append(lua.LString(w))
	}
	L.Push(t)
	return 1
}

func quote(L *lua.LState) int {
	L.Push(lua.LString(shlex.Quote(luaargs.CheckString(L, 1))))
	return 1
}

func join(L *lua.LState) int {
	t := luaargs.CheckTable(L, 1)
	args := make([]string, 0, t.Len())
	for i := 1; i <= t.Len(); i++ {
		switch v := t.RawGetInt(i).(type) {
		case lua.LString:
			args = append(args, string(v))
		case lua.LNumber:
			args = append(args, v.String())
		default:
			luaargs.ArgError(L, 1, fmt.Sprintf("element %d: string expected, got %s", i, v.Type()))
		}
	}
	L.Push(lua.LString(shlex.Join(args)))
	return 1
}
