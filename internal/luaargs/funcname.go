package luaargs

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// A FuncPlace is where FindFunc found a function among the loaded
// modules.
type FuncPlace struct {
	// Name is the function's name as a script would write it to reach
	// it: "os.close", "os.path.join", "print" (a global: package.loaded's
	// _G), or for a method the key alone ("seek").
	Name string
	// Type, for a method, is the name under which its type's metatable is
	// registered (lua.LState.NewTypeMetatable): "FILE*", "socket". It is
	// "" for a module's function.
	Type string
}

// FindFunc finds fn, a function value, where a script can reach it by
// name: in a loaded module (package.loaded[mod][name], or one table
// deeper, as os.path.join), as a global, or as a method of a registered
// type (its metatable's __index table, or the table under __methods where
// __index is a function). As Lua 5.4's luaL_traceback and luaL_argerror
// do with package.loaded, this names a function its caller did not, as
// in pcall(os.close, -1). Where a value has several names, a module's
// function wins over a sub-table's, a global and a method, and then the
// smallest name ("subprocess.Popen" over "subprocess.popen"), so the same
// value always gets the same name. It looks through every loaded module,
// so it is for errors and help, not for a fast path.
func FindFunc(L *lua.LState, fn lua.LValue) (FuncPlace, bool) {
	if _, ok := fn.(*lua.LFunction); !ok {
		return FuncPlace{}, false
	}
	reg, ok := L.Get(lua.RegistryIndex).(*lua.LTable)
	if !ok {
		return FuncPlace{}, false
	}
	// One pass, no sorting: the best of the places found wins, by rank
	// (a module's function, a sub-table's, a global, a method), then name.
	var best FuncPlace
	bestRank := -1
	found := func(rank int, place FuncPlace) {
		if bestRank < 0 || rank < bestRank || rank == bestRank && place.Type+" "+place.Name < best.Type+" "+best.Name {
			best, bestRank = place, rank
		}
	}
	// Each rank is a pass of its own, so that the common case, a
	// module's function, looks at the modules' own fields only.
	if loaded, ok := reg.RawGetString("_LOADED").(*lua.LTable); ok {
		for rank := 0; rank <= 2 && bestRank < 0; rank++ {
			loaded.ForEach(func(mk, mv lua.LValue) {
				mod, ok := name(mk)
				t, isTable := mv.(*lua.LTable)
				if !ok || !isTable || (mod == "_G") != (rank == 2) {
					return
				}
				t.ForEach(func(k, v lua.LValue) {
					n, ok := name(k)
					switch {
					case !ok:
					case rank == 2:
						if v == fn {
							found(2, FuncPlace{Name: n})
						}
					case rank == 0:
						if v == fn {
							found(0, FuncPlace{Name: mod + "." + n})
						}
					default:
						if sub, ok := v.(*lua.LTable); ok && sub != t {
							sub.ForEach(func(k2, v2 lua.LValue) {
								if n2, ok := name(k2); ok && v2 == fn {
									found(1, FuncPlace{Name: mod + "." + n + "." + n2})
								}
							})
						}
					}
				})
			})
		}
	}
	if bestRank >= 0 {
		return best, true
	}
	reg.ForEach(func(tk, tv lua.LValue) {
		typ, ok := name(tk)
		mt, isTable := tv.(*lua.LTable)
		if !ok || !isTable || typ == "_LOADED" {
			return
		}
		methods, ok := mt.RawGetString("__index").(*lua.LTable)
		if !ok {
			methods, ok = mt.RawGetString("__methods").(*lua.LTable)
		}
		if !ok {
			return
		}
		methods.ForEach(func(k, v lua.LValue) {
			if n, ok := name(k); ok && v == fn {
				found(3, FuncPlace{Name: n, Type: typ})
			}
		})
	})
	return best, bestRank >= 0
}

// name returns k as a name a script can write after a dot: a non-empty
// string that is not a metamethod's.
func name(k lua.LValue) (string, bool) {
	s, ok := k.(lua.LString)
	if !ok || s == "" || strings.HasPrefix(string(s), "__") {
		return "", false
	}
	return string(s), true
}
