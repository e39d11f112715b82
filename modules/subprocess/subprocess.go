// Package subprocess is safesh's subprocess module, after Python's: start
// children that get exactly the descriptors they are given.
//
//	subprocess.Popen(args [, opts])            a process object (alias subprocess.popen)
//	subprocess.run(args [, opts])              {args=, returncode=, stdout=, stderr=}
//	subprocess.call(args [, opts])             the returncode
//	subprocess.check_call(args [, opts])       0, or raises
//	subprocess.check_output(args [, opts])     the standard output, or raises
//	subprocess.pipeline(list [, opts])         {returncodes=, stdout=, stderr=}, children joined pipe to pipe
//	subprocess.PIPE, DEVNULL, STDOUT           redirection sentinels
//
// Popen options: stdin, stdout, stderr (nil, PIPE, DEVNULL, STDOUT, an fd,
// a file or a socket), pass_fds, close_fds, cwd, env, start_new_session,
// shell. run and the helpers add input, capture_output, timeout and check.
// Process objects: pid, args, returncode, stdin, stdout, stderr;
// poll, wait([timeout]), communicate([input [, timeout]]), send_signal,
// terminate, kill.
//
// A child gets descriptors 0, 1 and 2 and pass_fds, at their numbers, and
// nothing else: not the descriptors the script made inheritable, not those
// safesh inherited, not those an embedding host created without
// close-on-exec (see inherit.StartProcess). A program that cannot start
// makes Popen return nil, message, errno with the child's errno.
package subprocess

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/spawn"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// lib is the subprocess module of one runtime.
type lib struct {
	st                   *state.State
	pipe, devnull, stdou *lua.LUserData // the sentinels
	procMT, errMT        *lua.LTable
	methods              *lua.LTable
}

// Loader is the subprocess module's loader.
func Loader(L *lua.LState) int {
	l := &lib{st: state.Get(L)}
	sentinelMT := L.NewTable()
	sentinelMT.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		name, ok := L.Get(1).(*lua.LUserData)
		if !ok {
			luaargs.TypeError(L, 1, "userdata")
		}
		L.Push(lua.LString(fmt.Sprint(name.Value)))
		return 1
	}))
	sentinel := func(name string) *lua.LUserData {
		ud := L.NewUserData()
		ud.Value = "subprocess." + name
		ud.Metatable = sentinelMT
		return ud
	}
	l.pipe, l.devnull, l.stdou = sentinel("PIPE"), sentinel("DEVNULL"), sentinel("STDOUT")

	l.methods = L.NewTable()
	L.SetFuncs(l.methods, map[string]lua.LGFunction{
		"poll":           l.procPoll,
		"wait":           l.procWait,
		"communicate":    l.procCommunicate,
		"send_signal":    l.procSendSignal,
		"terminate":      l.procTerminate,
		"kill":           l.procKill,
		"kill_tree":      l.procKillTree,
		"terminate_tree": l.procTerminateTree,
	})
	l.procMT = L.NewTypeMetatable("subprocess.Popen")
	l.procMT.RawSetString("__index", L.NewFunction(l.procIndex))
	l.procMT.RawSetString("__methods", l.methods) // where help() and docs/api.md's test find them
	l.procMT.RawSetString("__tostring", L.NewFunction(l.procToString))

	l.errMT = L.NewTable()
	l.errMT.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.GetField(luaargs.CheckTable(L, 1), "message"))
		return 1
	}))

	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"Popen":        l.popen,
		"run":          l.run,
		"call":         l.call,
		"check_call":   l.checkCall,
		"check_output": l.checkOutput,
		"pipeline":     l.pipeline,
	})
	mod.RawSetString("popen", mod.RawGetString("Popen"))
	mod.RawSetString("PIPE", l.pipe)
	mod.RawSetString("DEVNULL", l.devnull)
	mod.RawSetString("STDOUT", l.stdou)
	L.Push(mod)
	return 1
}

// popenOptions are the options Popen takes; runOptions adds run's.
var (
	popenOptions = slices.Concat([]string{"stdin", "stdout", "stderr"}, spawn.FdOptions, []string{"close_fds", "shell", "wait_delay"}, spawn.ChildOptions)
	runOptions   = append(slices.Clone(popenOptions), "input", "capture_output", "timeout", "check")
)

// spec is a parsed Popen call.
type spec struct {
	spawn.Spec
	args   lua.LValue // as given, for proc.args and messages
	denied error      // a descriptor the script may not use, reported by start
	// waitDelay bounds how long communicate reads pipes once the child
	// has exited (wait_delay); negative: until end of file.
	waitDelay time.Duration
}

// parseSpec reads args (at stack index argn) and the options table (at
// optn), allowing the given option names.
func (l *lib) parseSpec(L *lua.LState, argn, optn int, allowed []string) (*spec, *lua.LTable) {
	s, opts := l.parseOpts(L, optn, allowed)
	shell := luaargs.OptBoolField(L, opts, optn, "shell", false)
	s.args = L.Get(argn)
	switch v := L.Get(argn).(type) {
	case lua.LString:
		if !shell {
			luaargs.ArgError(L, argn, "array of strings expected (a string needs shell = true)")
		}
		s.Argv = shellArgv(L, argn, string(v))
	case *lua.LTable:
		if shell {
			luaargs.ArgError(L, argn, "string expected with shell = true")
		}
		s.Argv = luaargs.CheckArgv(L, argn, v)
	default:
		luaargs.TypeError(L, argn, "table or string")
	}
	return s, opts
}

// shellArgv is the argv that runs cmd with /bin/sh.
func shellArgv(L *lua.LState, n int, cmd string) []string {
	if strings.IndexByte(cmd, 0) >= 0 {
		luaargs.ArgError(L, n, "command contains a NUL byte")
	}
	return []string{"/bin/sh", "-c", cmd}
}

// parseOpts reads an options table (at stack index optn) into a spec
// without arguments, allowing the given option names.
func (l *lib) parseOpts(L *lua.LState, optn int, allowed []string) (*spec, *lua.LTable) {
	opts := luaargs.CheckOptions(L, optn, allowed...)
	s := &spec{}

	for i, name := range []string{"stdin", "stdout", "stderr"} {
		v := opts.RawGetString(name)
		switch {
		case v == lua.LNil:
			s.Stdio[i] = spawn.Inherit
		case v == l.pipe:
			s.Stdio[i] = spawn.Pipe
		case v == l.devnull:
			s.Stdio[i] = spawn.DevNull
		case v == l.stdou:
			if i != 2 {
				luaargs.ArgError(L, optn, "STDOUT is only valid for stderr")
			}
			s.Stdio[i] = spawn.Stdout
		default:
			fd, ok := luaargs.FdOf(v)
			if !ok {
				luaargs.ArgError(L, optn, fmt.Sprintf("%s: PIPE, DEVNULL, an fd, a file or a socket expected, got %s", name, v.Type()))
			}
			if fd < 0 {
				luaargs.ArgError(L, optn, name+": the file or socket is closed")
			}
			if n, isNum := v.(lua.LNumber); isNum && float64(n) != float64(int(n)) {
				luaargs.ArgError(L, optn, name+": fd must be a non-negative integer")
			}
			s.Stdio[i], s.Fds[i] = spawn.Fd, fd
			if err := l.st.Usable(fd, "spawn"); err != nil && s.denied == nil {
				s.denied = err
			}
		}
	}
	if err := spawn.ParseFdOptions(L, l.st, optn, opts, &s.Spec); err != nil && s.denied == nil {
		s.denied = err
	}
	s.InheritFds = !luaargs.OptBoolField(L, opts, optn, "close_fds", true)
	spawn.ParseChildOptions(L, l.st, optn, opts, &s.Spec)
	s.waitDelay = optSeconds(L, opts.RawGetString("wait_delay"), optn, "wait_delay")
	return s, opts
}

// optSeconds reads a timeout in seconds: nil gives -1 (none).
func optSeconds(L *lua.LState, v lua.LValue, n int, what string) time.Duration {
	switch v := v.(type) {
	case *lua.LNilType:
		return -1
	case lua.LNumber:
		if v < 0 || v != v {
			luaargs.ArgError(L, n, what+" must be a non-negative number of seconds")
		}
		return time.Duration(float64(v) * float64(time.Second))
	}
	luaargs.ArgError(L, n, what+": number expected, got "+v.Type().String())
	return -1
}

// start starts s through the one spawn path that every route shares.
func (l *lib) start(s *spec) (*spawn.Child, error) {
	if s.denied != nil {
		return nil, s.denied
	}
	return spawn.Start(l.st, &s.Spec)
}
