package runtime

import (
	"fmt"
	"slices"

	iomod "github.com/safesh/safesh/modules/io"
	osmod "github.com/safesh/safesh/modules/os"
	selectmod "github.com/safesh/safesh/modules/select"
	"github.com/safesh/safesh/modules/shlex"
	"github.com/safesh/safesh/modules/shutil"
	signalmod "github.com/safesh/safesh/modules/signal"
	"github.com/safesh/safesh/modules/socket"
	"github.com/safesh/safesh/modules/subprocess"
	"github.com/safesh/safesh/modules/task"
	timemod "github.com/safesh/safesh/modules/time"
	lua "github.com/yuin/gopher-lua"
)

// baseLibs are gopher-lua's libraries that every runtime opens, in order
// (package and base first, as linit.go requires). io is safesh's own, and
// os is gopher-lua's extended by safesh's module.
var baseLibs = []struct {
	name string
	open lua.LGFunction
}{
	{lua.LoadLibName, lua.OpenPackage},
	{lua.BaseLibName, lua.OpenBase},
	{lua.TabLibName, lua.OpenTable},
	{lua.OsLibName, lua.OpenOs},
	{lua.StringLibName, openString},
	{lua.MathLibName, lua.OpenMath},
	{lua.DebugLibName, lua.OpenDebug},
	{lua.CoroutineLibName, lua.OpenCoroutine},
}

// modules are safesh's modules, in loading order. A global module is
// loaded at start and set as a global; the others are loaded by require.
var modules = []struct {
	name   string
	loader lua.LGFunction
	global bool
}{
	{"io", iomod.Loader, true},
	{"os", osmod.Loader, true},
	{"socket", socket.Loader, false},
	{"subprocess", subprocess.Loader, false},
	{"time", timemod.Loader, false},
	{"shutil", shutil.Loader, false},
	{"shlex", shlex.Loader, false},
	{"select", selectmod.Loader, false},
	{"task", task.Loader, false},
	{"signal", signalmod.Loader, false},
}

// Modules returns the names of safesh's modules, which WithModules takes.
func Modules() []string {
	names := make([]string, len(modules))
	for i, m := range modules {
		names[i] = m.name
	}
	return names
}

func slicesContains(s []string, v string) bool { return slices.Contains(s, v) }

// openLibs opens the base libraries and safesh's modules.
func (r *Runtime) openLibs() (err error) {
	L := r.l
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("runtime: opening libraries: %v", rec)
		}
	}()
	for _, lib := range baseLibs {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	iomod.Open(L, r.stdStreams())
	osmod.OpenLua51(L) // whether or not the os module is granted
	r.installLoaders()
	L.SetGlobal("collectgarbage", L.NewFunction(r.collectgarbage))
	loaded := L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "loaded")
	for _, m := range modules {
		if r.cfg.modules != nil && !r.cfg.modules[m.name] {
			continue
		}
		if m.global {
			L.Push(L.NewFunction(m.loader))
			L.Call(0, 1)
			mod := L.Get(-1)
			L.Pop(1)
			L.SetGlobal(m.name, mod)
			L.SetField(loaded, m.name, mod)
			continue
		}
		L.PreloadModule(m.name, m.loader)
	}
	for _, f := range r.cfg.funcs {
		L.SetGlobal(f.name, L.NewFunction(f.fn))
	}
	for _, m := range r.cfg.hostModules {
		L.PreloadModule(m.name, m.fn)
	}
	return nil
}

// collectgarbage is Lua's collectgarbage: as gopher-lua's, it runs Go's
// collector whatever the option, and returns nothing; then it releases
// the files, sockets and processes the scripts dropped unclosed, which
// the collection found (see state.State.Collect).
func (r *Runtime) collectgarbage(L *lua.LState) int {
	r.st.Collect()
	return 0
}
