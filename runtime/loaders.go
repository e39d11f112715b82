package runtime

import (
	"fmt"
	"strings"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// installLoaders replaces Lua's file loading (dofile, loadfile, and
// require's search of package.path) with versions that open files through
// the runtime's policy, and trims the debug library of a restricted
// runtime to traceback and removes gopher-lua's _printregs, which writes
// to the process's own standard error whatever WithStderr says.
func (r *Runtime) installLoaders() {
	L := r.l
	L.SetGlobal("dofile", L.NewFunction(r.dofile))
	L.SetGlobal("loadfile", L.NewFunction(r.loadfile))
	if loaders, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADERS").(*lua.LTable); ok {
		loaders.RawSetInt(2, L.NewFunction(r.searchLua))
	}
	if !r.st.Policy.Unrestricted() {
		L.SetGlobal("_printregs", lua.LNil)
		if dbg, ok := L.GetGlobal("debug").(*lua.LTable); ok {
			trimmed := L.NewTable()
			trimmed.RawSetString("traceback", dbg.RawGetString("traceback"))
			L.SetGlobal("debug", trimmed)
			L.SetField(L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "loaded"), "debug", trimmed)
		}
	}
}

// loadScript reads and compiles a file opened through the policy,
// skipping a #! first line as lua.c does.
func (r *Runtime) loadScript(path string) (*lua.LFunction, error) {
	fd, err := r.st.Open(path, syscall.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer inherit.Close(fd)
	src, err := readFdWaiting(r.st, fd)
	if err != nil {
		return nil, err
	}
	return r.l.Load(strings.NewReader(string(skipShebang(src))), path)
}

// skipShebang blanks a first line that starts with #, keeping its newline
// so that line numbers stay right.
func skipShebang(src []byte) []byte {
	if len(src) > 0 && src[0] == '#' {
		end := 0
		for end < len(src) && src[end] != '\n' {
			end++
		}
		return src[end:]
	}
	return src
}

// dofile is Lua's dofile over the policy: it raises on failure.
func (r *Runtime) dofile(L *lua.LState) int {
	path := luaargs.CheckString(L, 1)
	fn, err := r.loadScript(path)
	if err != nil {
		L.RaiseError("%s", luaerr.Message(err))
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

// loadfile is Lua's loadfile over the policy: nil and a message on
// failure.
func (r *Runtime) loadfile(L *lua.LState) int {
	path := luaargs.CheckString(L, 1)
	fn, err := r.loadScript(path)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(luaerr.Message(err)))
		return 2
	}
	L.Push(fn)
	return 1
}

// searchLua is require's searcher for Lua files: each template of
// package.path, with "?" replaced by the module name (dots as slashes),
// opened through the policy. It returns the loader, or a message listing
// what it tried.
func (r *Runtime) searchLua(L *lua.LState) int {
	name := luaargs.CheckString(L, 1)
	path, ok := L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "path").(lua.LString)
	if !ok {
		L.RaiseError("package.path must be a string")
	}
	file := strings.ReplaceAll(name, ".", "/")
	var tried []string
	for _, tmpl := range strings.Split(string(path), ";") {
		if tmpl == "" {
			continue
		}
		candidate := strings.ReplaceAll(tmpl, "?", file)
		fn, err := r.loadScript(candidate)
		if err == nil {
			L.Push(fn)
			return 1
		}
		if _, syntax := err.(*lua.ApiError); syntax {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", name, candidate, err.Error())
		}
		tried = append(tried, fmt.Sprintf("no file '%s'", candidate))
	}
	// One line a file, as Lua's searcher words it; require (patch 0030)
	// puts each searcher's message on its own line.
	L.Push(lua.LString("\n\t" + strings.Join(tried, "\n\t")))
	return 1
}
