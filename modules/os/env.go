package os

import (
	goos "os"
	"strings"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// environ is os.environ(): a new table of the environment variables the
// script may see (in a restricted runtime, those its host allowed).
func (l *lib) environ(L *lua.LState) int {
	env := l.st.Policy.Environ()
	t := L.CreateTable(0, len(env))
	for _, kv := range env {
		if name, value, found := strings.Cut(kv, "="); found && name != "" {
			t.RawSetString(name, lua.LString(value))
		}
	}
	L.Push(t)
	return 1
}

// unsetenv is os.unsetenv(name), beside gopher-lua's os.setenv; neither
// is offered to a restricted runtime, whose environment is its host's.
func (l *lib) unsetenv(L *lua.LState) int {
	name := luaargs.CheckString(L, 1)
	if name == "" || strings.ContainsAny(name, "=\x00") {
		luaargs.ArgError(L, 1, "invalid variable name")
	}
	if err := goos.Unsetenv(name); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}
