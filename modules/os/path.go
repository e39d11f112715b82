package os

import (
	"os/user"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/posixpath"
	lua "github.com/yuin/gopher-lua"
)

// pathTable builds os.path: Python's posixpath, string for string (see
// internal/posixpath), and the few functions that ask the file system
// (through the policy).
func (l *lib) pathTable(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	L.SetFuncs(t, map[string]lua.LGFunction{
		"join":       pathJoin,
		"split":      func(L *lua.LState) int { return push2(L)(posixpath.Split(luaargs.CheckString(L, 1))) },
		"splitext":   func(L *lua.LState) int { return push2(L)(posixpath.Splitext(luaargs.CheckString(L, 1))) },
		"basename":   func(L *lua.LState) int { return push1(L, posixpath.Basename(luaargs.CheckString(L, 1))) },
		"dirname":    func(L *lua.LState) int { return push1(L, posixpath.Dirname(luaargs.CheckString(L, 1))) },
		"normpath":   func(L *lua.LState) int { return push1(L, posixpath.Normpath(luaargs.CheckString(L, 1))) },
		"isabs":      func(L *lua.LState) int { L.Push(lua.LBool(posixpath.IsAbs(luaargs.CheckString(L, 1)))); return 1 },
		"abspath":    l.pathAbspath,
		"relpath":    l.pathRelpath,
		"expanduser": l.pathExpanduser,
		"exists":     l.pathTest(true, func(st statResult) bool { return st.err == nil }),
		"isfile":     l.pathTest(true, func(st statResult) bool { return st.err == nil && st.st.IsRegular() }),
		"isdir":      l.pathTest(true, func(st statResult) bool { return st.err == nil && st.st.IsDir() }),
		"islink":     l.pathTest(false, func(st statResult) bool { return st.err == nil && st.st.IsLink() }),
		"getsize":    l.pathGetsize,
		"getmtime":   l.pathGetmtime,
	})
	t.RawSetString("sep", lua.LString("/"))
	return t
}

func push1(L *lua.LState, s string) int {
	L.Push(lua.LString(s))
	return 1
}

// push2 returns a function that pushes two strings, for the results of
// a call.
func push2(L *lua.LState) func(a, b string) int {
	return func(a, b string) int {
		L.Push(lua.LString(a))
		L.Push(lua.LString(b))
		return 2
	}
}

// pathJoin is os.path.join(a, ...).
func pathJoin(L *lua.LState) int {
	a := luaargs.CheckString(L, 1)
	rest := make([]string, 0, L.GetTop())
	for i := 2; i <= L.GetTop(); i++ {
		rest = append(rest, luaargs.CheckString(L, i))
	}
	return push1(L, posixpath.Join(a, rest...))
}

// abspath makes p absolute from the scripts' working directory.
func (l *lib) abspath(p string) (string, error) {
	if posixpath.IsAbs(p) {
		return posixpath.Normpath(p), nil
	}
	wd, err := l.st.Policy.Getcwd()
	if err != nil {
		return "", err
	}
	return posixpath.Abs(p, wd), nil
}

func (l *lib) pathAbspath(L *lua.LState) int {
	p, err := l.abspath(luaargs.CheckString(L, 1))
	if err != nil {
		return luaerr.PushError(L, err)
	}
	return push1(L, p)
}

// pathRelpath is os.path.relpath(p [, start]).
func (l *lib) pathRelpath(L *lua.LState) int {
	p := luaargs.CheckString(L, 1)
	start := luaargs.OptString(L, 2, ".")
	if p == "" {
		luaargs.ArgError(L, 1, "no path specified")
	}
	if start == "" {
		luaargs.ArgError(L, 2, "no path specified")
	}
	wd := "/"
	if !posixpath.IsAbs(p) || !posixpath.IsAbs(start) {
		var err error
		if wd, err = l.st.Policy.Getcwd(); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	return push1(L, posixpath.Rel(p, start, wd))
}

// pathExpanduser is os.path.expanduser(p): "~" is $HOME (or, where it is
// not set, the user's home from the password database), "~name" that
// user's home. A restricted runtime uses only $HOME, if its host lets it
// read that, and never reads the password database: p is then unchanged.
func (l *lib) pathExpanduser(L *lua.LState) int {
	p := luaargs.CheckString(L, 1)
	unrestricted := l.st.Policy.Unrestricted()
	home := func() (string, bool) {
		if h, ok := l.st.Policy.Getenv("HOME"); ok {
			return h, true
		}
		if !unrestricted {
			return "", false
		}
		u, err := user.Current()
		if err != nil {
			return "", false
		}
		return u.HomeDir, true
	}
	lookup := func(name string) (string, bool) {
		if !unrestricted {
			return "", false
		}
		u, err := user.Lookup(name)
		if err != nil {
			return "", false
		}
		return u.HomeDir, true
	}
	return push1(L, posixpath.ExpandUser(p, home, lookup))
}

// statResult is what a test function of os.path looks at.
type statResult struct {
	st  inherit.FileStat
	err error
}

// pathTest returns an os.path test (exists, isfile, ...): false on any
// error, a refusal of the policy included, as in Python.
func (l *lib) pathTest(follow bool, test func(statResult) bool) lua.LGFunction {
	return func(L *lua.LState) int {
		st, err := l.st.Policy.Stat(luaargs.CheckString(L, 1), follow)
		L.Push(lua.LBool(test(statResult{st, err})))
		return 1
	}
}

func (l *lib) pathGetsize(L *lua.LState) int {
	st, err := l.st.Policy.Stat(luaargs.CheckString(L, 1), true)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(st.Size))
	return 1
}

func (l *lib) pathGetmtime(L *lua.LState) int {
	st, err := l.st.Policy.Stat(luaargs.CheckString(L, 1), true)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(seconds(st.Mtime))
	return 1
}
