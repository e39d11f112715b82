package io

import (
	"runtime"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	lua "github.com/yuin/gopher-lua"
)

// ioPopen implements io.popen(prog [, mode]): prog runs under /bin/sh -c
// with its standard output ("r") or input ("w") connected to the returned
// file, and the runtime's other streams; the child gets descriptors 0, 1
// and 2 and nothing else. Closing the file waits for the child and
// returns true, "exit", status (or true, "signal", number): true first,
// as in Lua 5.1, then what Lua 5.2 adds. An options table after the mode
// takes the child options of subprocess.Popen that concern the child's
// process image (spawn.ChildOptions: cwd, env, env_extra, umask, rlimits,
// user, ...).
func (l *lib) ioPopen(L *lua.LState) int {
	prog := luaargs.CheckString(L, 1)
	mode := luaargs.CheckOption(L, 2, "r", "r", "w")
	s := &spawn.Spec{Program: "/bin/sh", Argv: []string{"sh", "-c", prog}}
	if L.Get(3) != lua.LNil {
		spawn.ParseChildOptions(L, l.st, 3, luaargs.CheckOptions(L, 3, spawn.ChildOptions...), s)
	}
	end := 1 // the child's descriptor the file is connected to
	if mode == "w" {
		end = 0
	}
	s.Stdio[end] = spawn.Pipe
	c, err := spawn.Start(l.st, s)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	fd := c.Pipes[end]
	f := newFile(l.st, fd, "popen", mode == "r", mode == "w")
	f.own()
	// Dropped unclosed, the file is closed; the child is reaped once it
	// has exited, without waiting for it.
	runtime.AddCleanup(f, (*spawn.Child).Abandon, c)
	f.onClose = func() ([]any, error) {
		if _, err := c.Wait(-1); err != nil {
			return nil, err
		}
		status, _ := c.Status()
		if status.Signal != 0 {
			return []any{"signal", int(status.Signal)}, nil
		}
		return []any{"exit", status.Code}, nil
	}
	L.Push(l.userdata(L, f))
	return 1
}
