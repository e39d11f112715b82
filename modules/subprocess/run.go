package subprocess

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	lua "github.com/yuin/gopher-lua"
)

// extras are run's options beyond Popen's.
type extras struct {
	input   []byte
	hasIn   bool
	timeout time.Duration
	check   bool
}

// runExtras reads input, capture_output, timeout and check, and turns
// input and capture_output into pipes, refusing them with stdin, stdout or
// stderr set as Python does.
func (l *lib) runExtras(L *lua.LState, opts *lua.LTable, optn int, s *spec) extras {
	var e extras
	switch v := opts.RawGetString("input").(type) {
	case *lua.LNilType:
	case lua.LString:
		if s.Stdio[0] != spawn.Inherit {
			luaargs.ArgError(L, optn, "stdin and input cannot both be given")
		}
		e.input, e.hasIn = []byte(v), true
		s.Stdio[0] = spawn.Pipe
	default:
		luaargs.ArgError(L, optn, "input: string expected, got "+v.Type().String())
	}
	if luaargs.OptBoolField(L, opts, optn, "capture_output", false) {
		if s.Stdio[1] != spawn.Inherit || s.Stdio[2] != spawn.Inherit {
			luaargs.ArgError(L, optn, "stdout and stderr cannot be given with capture_output")
		}
		s.Stdio[1], s.Stdio[2] = spawn.Pipe, spawn.Pipe
	}
	e.timeout = optSeconds(L, opts.RawGetString("timeout"), optn, "timeout")
	e.check = luaargs.OptBoolField(L, opts, optn, "check", false)
	return e
}

// result is a finished run.
type result struct {
	pr       *Proc
	timedOut bool
	stdout   lua.LValue
	stderr   lua.LValue
}

// runSpec starts s, feeds it, reads it and waits for it within the
// timeout. On timeout the child is killed (its whole group with
// start_new_session), reaped, and what it wrote so far is kept; the call
// returns promptly even if a grandchild still holds the pipes. A spawn
// failure is returned as err.
func (l *lib) runSpec(L *lua.LState, s *spec, e extras) (*result, error) {
	st, err := l.start(s)
	if err != nil {
		return nil, err
	}
	pr := l.newProc(L, s, st).Value.(*Proc)
	ok, err := pr.communicate(e.input, e.timeout)
	if err != nil {
		pr.kill()
		return nil, err
	}
	res := &result{pr: pr}
	if !ok {
		res.timedOut = true
		pr.kill()
	}
	res.stdout = take(&pr.out, pr.files[1] != nil)
	res.stderr = take(&pr.errOut, pr.files[2] != nil)
	return res, nil
}

// kill ends a child that must not outlive its call (a timeout, an
// interruption), and drops its pipes.
func (pr *Proc) kill() {
	pr.Kill()
	if pr.waitDelay > 0 {
		// wait_delay: what a grandchild still writes, for that long.
		pr.pump(nil, remaining(pr.waitDelay))
	}
	pr.drain()
}

// helper is what run, call, check_call and check_output do alike: run
// the command of the call on L to its end, raise on a timeout, and raise
// on a failure when check (or always, with alwaysCheck). A command that
// cannot start raises too when checked (an error table with errno, as
// Python raises FileNotFoundError); otherwise helper returns nil and
// pushes nil, message, errno.
func (l *lib) helper(L *lua.LState, alwaysCheck, captureStdout bool) (*spec, *result) {
	s, opts := l.parseSpec(L, 1, 2, runOptions)
	if captureStdout {
		if s.Stdio[1] != spawn.Inherit || lua.LVAsBool(opts.RawGetString("capture_output")) {
			luaargs.ArgError(L, 2, "stdout is captured by check_output: it cannot be given")
		}
	}
	e := l.runExtras(L, opts, 2, s)
	if captureStdout {
		s.Stdio[1] = spawn.Pipe
	}
	defer l.st.WaitForChild()() // from the start, as os.execute
	res, err := l.runSpec(L, s, e)
	if err != nil {
		if e.check || alwaysCheck {
			l.raiseStartError(L, err, s.args)
		}
		luaerr.PushError(L, err)
		return nil, nil
	}
	if res.timedOut {
		l.raise(L, l.timeoutError(L, s.args, e.timeout, res))
	}
	if (e.check || alwaysCheck) && res.pr.rc() != 0 {
		l.raise(L, l.checkError(L, s.args, res))
	}
	return s, res
}

func (l *lib) run(L *lua.LState) int {
	s, res := l.helper(L, false, false)
	if res == nil {
		return 3
	}
	t := L.CreateTable(0, 4)
	t.RawSetString("args", s.args)
	t.RawSetString("returncode", res.pr.returncode())
	t.RawSetString("stdout", res.stdout)
	t.RawSetString("stderr", res.stderr)
	L.Push(t)
	return 1
}

func (l *lib) call(L *lua.LState) int {
	_, res := l.helper(L, false, false)
	if res == nil {
		return 3
	}
	L.Push(res.pr.returncode())
	return 1
}

func (l *lib) checkCall(L *lua.LState) int {
	if _, res := l.helper(L, true, false); res == nil {
		return 3
	}
	L.Push(lua.LNumber(0))
	return 1
}

func (l *lib) checkOutput(L *lua.LState) int {
	_, res := l.helper(L, true, true)
	if res == nil {
		return 3
	}
	L.Push(res.stdout)
	return 1
}

// An error raised by check, check_call, check_output or a timeout is a
// table: message, returncode, args, stdout, stderr (and timeout), with a
// __tostring giving the message.
func (l *lib) errorTable(L *lua.LState, message string, args lua.LValue, rc lua.LValue, stdout, stderr lua.LValue) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("message", lua.LString(message))
	t.RawSetString("args", args)
	t.RawSetString("returncode", rc)
	t.RawSetString("stdout", stdout)
	t.RawSetString("stderr", stderr)
	t.Metatable = l.errMT
	return t
}

func (l *lib) timeoutError(L *lua.LState, args lua.LValue, timeout time.Duration, res *result) *lua.LTable {
	msg := fmt.Sprintf("Command '%s' timed out after %g seconds", describeArgs(args), timeout.Seconds())
	t := l.errorTable(L, msg, args, res.pr.returncode(), res.stdout, res.stderr)
	t.RawSetString("timeout", lua.LNumber(timeout.Seconds()))
	return t
}

func (l *lib) checkError(L *lua.LState, args lua.LValue, res *result) *lua.LTable {
	return l.errorTable(L, exitMessage(args, res.pr.rc()), args, res.pr.returncode(), res.stdout, res.stderr)
}

// exitMessage says how a command failed, as Python's CalledProcessError.
func exitMessage(args lua.LValue, rc int) string {
	if rc < 0 {
		return fmt.Sprintf("Command '%s' died with signal %d.", describeArgs(args), -rc)
	}
	return fmt.Sprintf("Command '%s' returned non-zero exit status %d.", describeArgs(args), rc)
}

// describeArgs renders a command for a message.
func describeArgs(args lua.LValue) string {
	t, ok := args.(*lua.LTable)
	if !ok {
		return lua.LVAsString(args)
	}
	var words []string
	for i := 1; i <= t.Len(); i++ {
		w := lua.LVAsString(t.RawGetInt(i))
		if w == "" || strings.ContainsAny(w, " \t\n'\"$`\\*?;&|<>()") {
			w = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// startError is the table raised by a checked call whose program could
// not start: message (luaerr's, "exec: nosuchprog: no such file or
// directory"), errno, args, and returncode, stdout and stderr nil. An
// interruption is raised as itself.
func (l *lib) startError(L *lua.LState, err error, args lua.LValue) *lua.LTable {
	if errors.Is(err, luaerr.ErrInterrupted) {
		L.RaiseError("interrupted")
	}
	t := l.errorTable(L, luaerr.Message(err), args, lua.LNil, lua.LNil, lua.LNil)
	t.RawSetString("errno", lua.LNumber(luaerr.Errno(err)))
	return t
}

// raiseStartError raises startError's table.
func (l *lib) raiseStartError(L *lua.LState, err error, args lua.LValue) {
	l.raise(L, l.startError(L, err, args))
}

// raise raises an error table.
func (l *lib) raise(L *lua.LState, t *lua.LTable) {
	L.Error(t, 1)
}
