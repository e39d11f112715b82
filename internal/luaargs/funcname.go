package luaargs

import (
	"slices"
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
// in pcall(os.close, -1). The search is in sorted key order, modules
// before globals before methods, so the same value always gets the same
// name; it runs only when a name is asked for, as errors do.
func FindFunc(L *lua.LState, fn lua.LValue) (FuncPlace, bool) {
	if _, ok := fn.(*lua.LFunction); !ok {
		return FuncPlace{}, false
	}
	reg, ok := L.Get(lua.RegistryIndex).(*lua.LTable)
	if !ok {
		return FuncPlace{}, false
	}
	if loaded, ok := reg.RawGetString("_LOADED").(*lua.LTable); ok {
		mods := sortedKeys(loaded)
		// Modules first (one level, then their sub-tables), globals last:
		// os.close, not _G.os.close.
		for depth := 1; depth <= 2; depth++ {
			for _, mod := range mods {
				if mod == "_G" {
					continue
				}
				if t, ok := loaded.RawGetString(mod).(*lua.LTable); ok {
					if name, ok := findIn(t, fn, depth); ok {
						return FuncPlace{Name: mod + "." + name}, true
					}
				}
			}
		}
		if g, ok := loaded.RawGetString("_G").(*lua.LTable); ok {
			if name, ok := findIn(g, fn, 1); ok {
				return FuncPlace{Name: name}, true
			}
		}
	}
	for _, typ := range sortedKeys(reg) {
		mt, ok := reg.RawGetString(typ).(*lua.LTable)
		if !ok || typ == "_LOADED" {
			continue
		}
		methods, ok := mt.RawGetString("__index").(*lua.LTable)
		if !ok {
			methods, ok = mt.RawGetString("__methods").(*lua.LTable)
		}
		if !ok {
			continue
		}
		if name, ok := findIn(methods, fn, 1); ok {
			return FuncPlace{Name: name, Type: typ}, true
		}
	}
	return FuncPlace{}, false
}

// findIn returns the key under which t holds fn, at exactly depth levels
// of string keys ("close", or at depth 2 "path.join").
func findIn(t *lua.LTable, fn lua.LValue, depth int) (string, bool) {
	for _, k := range sortedKeys(t) {
		v := t.RawGetString(k)
		if depth == 1 {
			if v == fn {
				return k, true
			}
			continue
		}
		if sub, ok := v.(*lua.LTable); ok {
			if name, ok := findIn(sub, fn, depth-1); ok {
				return k + "." + name, true
			}
		}
	}
	return "", false
}

// sortedKeys returns the string keys of t that are names, sorted.
func sortedKeys(t *lua.LTable) []string {
	var keys []string
	t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && s != "" && !strings.HasPrefix(string(s), "__") {
			keys = append(keys, string(s))
		}
	})
	slices.Sort(keys)
	return keys
}
