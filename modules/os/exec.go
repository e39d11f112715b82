package os

import (
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	lua "github.com/yuin/gopher-lua"
)

// exec is os.exec(args [, opts]): it replaces the process with the
// program args names (looked up on the PATH of env, or of the process,
// from cwd), as execve(2), after writing out what the script's files
// have buffered. The program gets exactly the inheritable descriptors:
// 0, 1, 2, what the script made inheritable, and what opts.pass_fds and
// opts.fds give it. opts are spawn.ExecOptions, read as subprocess reads
// Popen's. On failure it returns nil, message, errno, and the process is
// as it was. Only a runtime that is the whole process (the command line)
// may: in any other it fails with EPERM.
func (l *lib) exec(L *lua.LState) int {
	s := &spawn.Spec{Argv: luaargs.CheckArgv(L, 1, luaargs.CheckTable(L, 1))}
	if L.Get(2) != lua.LNil {
		opts := luaargs.CheckOptions(L, 2, spawn.ExecOptions...)
		spawn.ParseChildOptions(L, l.st, 2, opts, s)
		if err := spawn.ParseFdOptions(L, l.st, 2, opts, s); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	return luaerr.PushError(L, spawn.Exec(l.st, s))
}
