package subprocess

import (
	"fmt"
	"runtime"
	"syscall"
	"time"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	"github.com/safesh/safesh/internal/state"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// Proc is a process object: a started child and the files of its pipes.
type Proc struct {
	*spawn.Child
	st    *state.State
	args  lua.LValue
	files [3]*lua.LUserData // stdin, stdout, stderr where PIPE was asked
	// What communicate has read so far, kept across a timeout.
	out, errOut collector
	inputSent   int
	waitDelay   time.Duration // wait_delay, or negative
	// stages are a pipeline's children, whose exits wait_delay watches
	// when this is the pipeline's I/O (and Child is nil).
	stages []*spawn.Child
}

// newProc wraps a started child for Lua.
func (l *lib) newProc(L *lua.LState, s *spec, c *spawn.Child) *lua.LUserData {
	pr := &Proc{Child: c, st: l.st, args: s.args, waitDelay: s.waitDelay}
	names := [3]string{"stdin", "stdout", "stderr"}
	for i, fd := range c.Pipes {
		if fd >= 0 {
			pr.files[i] = iomod.NewFile(L, fd, fmt.Sprintf("pid %d %s", c.Pid, names[i]), i != 0, i == 0)
		}
	}
	// Dropped unwaited, the child is reaped once it has exited (its pipes
	// are files, closed when they are dropped in turn).
	runtime.AddCleanup(pr, (*spawn.Child).Abandon, c)
	ud := L.NewUserData()
	ud.Value = pr
	ud.Metatable = l.procMT
	return ud
}

func (l *lib) popen(L *lua.LState) int {
	s, _ := l.parseSpec(L, 1, 2, popenOptions)
	st, err := l.start(s)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(l.newProc(L, s, st))
	return 1
}

func checkProc(L *lua.LState, n int) *Proc {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if pr, ok := ud.Value.(*Proc); ok {
			return pr
		}
	}
	luaargs.TypeError(L, n, "process")
	return nil
}

// procIndex serves the fields and methods of a process object.
func (l *lib) procIndex(L *lua.LState) int {
	pr := checkProc(L, 1)
	key := luaargs.CheckString(L, 2)
	switch key {
	case "pid":
		L.Push(lua.LNumber(pr.Pid))
	case "args":
		L.Push(pr.args)
	case "returncode":
		L.Push(pr.returncode())
	case "stdin", "stdout", "stderr":
		i := map[string]int{"stdin": 0, "stdout": 1, "stderr": 2}[key]
		if pr.files[i] == nil {
			L.Push(lua.LNil)
		} else {
			L.Push(pr.files[i])
		}
	default:
		L.Push(l.methods.RawGetString(key))
	}
	return 1
}

func (l *lib) procToString(L *lua.LState) int {
	pr := checkProc(L, 1)
	desc := "running"
	if status, done := pr.Status(); done {
		desc = fmt.Sprintf("returncode=%d", status.ReturnCode())
	}
	L.Push(lua.LString(fmt.Sprintf("process (pid %d, %s)", pr.Pid, desc)))
	return 1
}

// rc is the child's status as Python's returncode has it, once it has
// been reaped.
func (pr *Proc) rc() int {
	status, _ := pr.Status()
	return status.ReturnCode()
}

// returncode is nil while the child runs, else its status as Python has
// it.
func (pr *Proc) returncode() lua.LValue {
	status, done := pr.Status()
	if !done {
		return lua.LNil
	}
	return lua.LNumber(status.ReturnCode())
}

func (l *lib) procPoll(L *lua.LState) int {
	pr := checkProc(L, 1)
	if _, err := pr.Poll(); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(pr.returncode())
	return 1
}

// pushTimeout pushes nil, "timeout", ETIMEDOUT.
func pushTimeout(L *lua.LState) int {
	L.Push(lua.LNil)
	L.Push(lua.LString("timeout"))
	L.Push(lua.LNumber(syscall.ETIMEDOUT))
	return 3
}

func (l *lib) procWait(L *lua.LState) int {
	pr := checkProc(L, 1)
	timeout := optSeconds(L, L.Get(2), 2, "timeout")
	ok, err := pr.Wait(timeout)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if !ok {
		return pushTimeout(L)
	}
	L.Push(pr.returncode())
	return 1
}

func (l *lib) procSendSignal(L *lua.LState) int {
	pr := checkProc(L, 1)
	sig := luaargs.CheckSignal(L, 2, false)
	if err := pr.Signal(sig, false); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) procTerminate(L *lua.LState) int {
	if err := checkProc(L, 1).Signal(syscall.SIGTERM, false); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// procSignalTree is kill_tree([sig]) and terminate_tree.
func procSignalTree(L *lua.LState, sig syscall.Signal) int {
	if err := checkProc(L, 1).SignalTree(sig); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) procKillTree(L *lua.LState) int {
	sig := syscall.SIGKILL
	if L.Get(2) != lua.LNil {
		sig = syscall.Signal(L.CheckInt(2))
	}
	return procSignalTree(L, sig)
}

func (l *lib) procTerminateTree(L *lua.LState) int { return procSignalTree(L, syscall.SIGTERM) }

func (l *lib) procKill(L *lua.LState) int {
	if err := checkProc(L, 1).Signal(syscall.SIGKILL, false); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}
