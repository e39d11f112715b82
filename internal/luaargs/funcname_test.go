package luaargs

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestFindFunc(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	fn := func(L *lua.LState) int { return 0 }
	mod := L.NewTable()
	open, alias, join, method, global := L.NewFunction(fn), L.NewFunction(fn), L.NewFunction(fn), L.NewFunction(fn), L.NewFunction(fn)
	mod.RawSetString("Popen", open)
	mod.RawSetString("popen", open)
	mod.RawSetString("alias", alias)
	sub := L.NewTable()
	sub.RawSetString("join", join)
	sub.RawSetString("again", alias) // a module's own field wins
	mod.RawSetString("path", sub)
	loaded := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	loaded.RawSetString("mod", mod)
	L.SetGlobal("myglobal", global)
	L.SetGlobal("alsoalias", alias)
	mt := L.NewTypeMetatable("thing")
	methods := L.NewTable()
	methods.RawSetString("poke", method)
	mt.RawSetString("__index", methods)
	viaFunc := L.NewTypeMetatable("other")
	hidden := L.NewFunction(fn)
	viaFunc.RawSetString("__index", L.NewFunction(fn))
	m2 := L.NewTable()
	m2.RawSetString("peek", hidden)
	viaFunc.RawSetString("__methods", m2)

	for _, c := range []struct {
		fn   lua.LValue
		want FuncPlace
	}{
		{open, FuncPlace{Name: "mod.Popen"}},
		{alias, FuncPlace{Name: "mod.alias"}},
		{join, FuncPlace{Name: "mod.path.join"}},
		{global, FuncPlace{Name: "myglobal"}},
		{L.GetGlobal("print"), FuncPlace{Name: "print"}},
		{method, FuncPlace{Name: "poke", Type: "thing"}},
		{hidden, FuncPlace{Name: "peek", Type: "other"}},
	} {
		for i := 0; i < 5; i++ { // the same answer whatever the tables' order
			got, ok := FindFunc(L, c.fn)
			if !ok || got != c.want {
				t.Fatalf("FindFunc = %+v, %v; want %+v", got, ok, c.want)
			}
		}
	}
	if got, ok := FindFunc(L, L.NewFunction(fn)); ok {
		t.Errorf("a function no one holds was found as %+v", got)
	}
	if _, ok := FindFunc(L, lua.LNumber(1)); ok {
		t.Error("a number was found")
	}
}
