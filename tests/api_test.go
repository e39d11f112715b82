//go:build linux

package tests

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/safesh/safesh/docs"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// makeObjects loads every module and makes one object of each type, so
// that every type's metatable is registered.
const makeObjects = `
for _, m in ipairs(...) do require(m) end
local a, b = require("socket").socketpair()
a:close() b:close()
require("select").poll()
require("select").epoll():close()
local task = require("task")
task.channel()
task.spawn(function() end)
task.run()
local _, _, _, dir = os.scandir(".")
dir:close()
local p = require("subprocess").Popen({"true"})
p:wait()
io.tmpfile():close()
`

// TestAPIIndexMatchesModules checks docs/api.md against the modules as
// they are: every function of every module (and of a module's sub-tables,
// os.path) and every method of every registered type has its line, and
// every line names a function that exists. So the index, and help() that
// reads it, cannot fall behind the code.
func TestAPIIndexMatchesModules(t *testing.T) {
	r, err := runtime.New(runtime.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	L := r.LState()
	mods := L.NewTable()
	for _, m := range runtime.Modules() {
		mods.Append(lua.LString(m))
	}
	fn, err := L.LoadString(makeObjects)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Call(context.Background(), fn, mods); err != nil {
		t.Fatal(describe(err))
	}

	var have []string
	loaded := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	for _, m := range runtime.Modules() {
		mod, ok := loaded.RawGetString(m).(*lua.LTable)
		if !ok {
			t.Fatalf("module %s is not loaded", m)
		}
		mod.ForEach(func(k, v lua.LValue) {
			switch v := v.(type) {
			case *lua.LFunction:
				have = append(have, m+"."+k.String())
			case *lua.LTable:
				v.ForEach(func(k2, v2 lua.LValue) {
					if _, ok := v2.(*lua.LFunction); ok {
						have = append(have, m+"."+k.String()+"."+k2.String())
					}
				})
			}
		})
	}
	L.Get(lua.RegistryIndex).(*lua.LTable).ForEach(func(k, v lua.LValue) {
		mt, ok := v.(*lua.LTable)
		if !ok || k.String() == "_LOADED" {
			return
		}
		methods, ok := mt.RawGetString("__index").(*lua.LTable)
		if !ok {
			methods, ok = mt.RawGetString("__methods").(*lua.LTable)
		}
		if !ok {
			if _, isFn := mt.RawGetString("__index").(*lua.LFunction); isFn {
				t.Errorf("type %s serves its methods from a function: set __methods to their table", k)
			}
			return
		}
		methods.ForEach(func(name, f lua.LValue) {
			if _, ok := f.(*lua.LFunction); ok {
				have = append(have, k.String()+":"+name.String())
			}
		})
	})

	var listed []string
	for _, e := range docs.API().Entries() {
		if e.Type != "" {
			listed = append(listed, e.Type+":"+e.Method)
		} else {
			listed = append(listed, e.Name)
		}
	}
	for _, name := range have {
		if !slices.Contains(listed, name) {
			t.Errorf("%s has no line in docs/api.md", name)
		}
	}
	for _, name := range listed {
		if !slices.Contains(have, name) {
			t.Errorf("docs/api.md lists %s, which no module has", name)
		}
	}
	if len(have) < 150 || t.Failed() {
		t.Logf("%d functions and methods found: %s", len(have), strings.Join(have, " "))
	}
}
