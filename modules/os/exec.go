package os

import (
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/policy"
	lua "github.com/yuin/gopher-lua"
)

// execOptions are the options os.exec takes.
var execOptions = []string{"env", "cwd"}

// exec is os.exec(args [, opts]): it replaces the process with the
// program args names (looked up on the PATH of env, or of the process,
// from cwd), as execve(2), after writing out what the script's files
// have buffered. The program gets exactly the inheritable descriptors:
// 0, 1, 2 and what the script made inheritable. On failure it returns
// nil, message, errno, and the process is as it was. Only a runtime that
// is the whole process (the command line) may: in any other it fails
// with EPERM.
func (l *lib) exec(L *lua.LState) int {
	argv := luaargs.CheckArgv(L, 1, luaargs.CheckTable(L, 1))
	opts := luaargs.CheckOptions(L, 2, execOptions...)
	var env []string
	if v := opts.RawGetString("env"); v != lua.LNil {
		env = luaargs.CheckEnv(L, 2, "env", v)
	}
	var dir string
	if v := opts.RawGetString("cwd"); v != lua.LNil {
		s, isString := v.(lua.LString)
		if !isString {
			luaargs.ArgError(L, 2, "cwd: string expected, got "+v.Type().String())
		}
		dir = string(s)
	}
	path, err := inherit.LookPath(argv[0], env, dir)
	if err == nil {
		err = l.st.Policy.ReplaceProcess(path)
	}
	if err == nil && !l.st.OwnsProcess {
		err = &policy.DeniedError{Op: "exec", Target: path, Errno: syscall.EPERM,
			Reason: "os.exec replaces the whole process: only a runtime that owns it (runtime.ExitProcess) may"}
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	// What the script's files buffered, as exit writes it out: errors
	// are left for the files to report, if the exec fails.
	l.st.FlushStdout()
	l.st.Fds.FlushAll(false)
	return luaerr.PushError(L, inherit.Exec(path, argv, env, dir))
}
