package subprocess

import (
	"fmt"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/lstate"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// Proc is a process object: a started child and the files of its pipes.
type Proc struct {
	st      *lstate.State
	p       *inherit.Process
	args    lua.LValue
	files   [3]*lua.LUserData // stdin, stdout, stderr where PIPE was asked
	relays  []*relay
	session bool
	done    bool
	status  inherit.ExitStatus
	// What communicate has read so far, kept across a timeout.
	out, errOut collector
	inputSent   int
}

// newProc wraps a started child for Lua.
func (l *lib) newProc(L *lua.LState, s *spec, st *started) *lua.LUserData {
	pr := &Proc{st: l.st, p: st.p, args: s.args, relays: st.relays, session: s.session}
	names := [3]string{"stdin", "stdout", "stderr"}
	for i, fd := range st.pipes {
		if fd >= 0 {
			pr.files[i] = iomod.NewFile(L, fd, fmt.Sprintf("pid %d %s", st.p.Pid, names[i]), i != 0, i == 0)
		}
	}
	ud := L.NewUserData()
	ud.Value = pr
	ud.Metatable = l.procMT
	return ud
}

func (l *lib) popen(L *lua.LState) int {
	s, _ := l.parseSpec(L, 1, 2, popenOptions)
	st, err := l.start(s)
	if err != nil {
		return lstate.PushError(L, err)
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
	lstate.TypeError(L, n, "process")
	return nil
}

// procIndex serves the fields and methods of a process object.
func (l *lib) procIndex(L *lua.LState) int {
	pr := checkProc(L, 1)
	key := lstate.CheckString(L, 2)
	switch key {
	case "pid":
		L.Push(lua.LNumber(pr.p.Pid))
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
	state := "running"
	if pr.done {
		state = fmt.Sprintf("returncode=%d", pr.status.ReturnCode())
	}
	L.Push(lua.LString(fmt.Sprintf("process (pid %d, %s)", pr.p.Pid, state)))
	return 1
}

// returncode is nil while the child runs, else its status as Python has
// it.
func (pr *Proc) returncode() lua.LValue {
	if !pr.done {
		return lua.LNil
	}
	return lua.LNumber(pr.status.ReturnCode())
}

// reaped records the status of a reaped child and releases it.
func (pr *Proc) reaped() {
	if pr.done {
		return
	}
	pr.status, _ = pr.p.Done()
	pr.done = true
	for _, r := range pr.relays {
		r.wait()
	}
	pr.st.RemoveChild(pr.p)
}

// wait waits for the child for at most timeout (negative: no limit). It
// returns false on timeout.
func (pr *Proc) wait(timeout time.Duration) (bool, error) {
	if pr.done {
		return true, nil
	}
	r, err := pr.st.WaitProcess(pr.p, timeout)
	if err != nil {
		return false, err
	}
	if r == inherit.TimedOut {
		return false, nil
	}
	pr.reaped()
	return true, nil
}

func (l *lib) procPoll(L *lua.LState) int {
	pr := checkProc(L, 1)
	if !pr.done {
		if _, done, err := pr.p.Poll(); err != nil {
			return lstate.PushError(L, err)
		} else if done {
			pr.reaped()
		}
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
	ok, err := pr.wait(timeout)
	if err != nil {
		return lstate.PushError(L, err)
	}
	if !ok {
		return pushTimeout(L)
	}
	L.Push(pr.returncode())
	return 1
}

// signal sends sig to the child (its whole group with group set and a
// new session), unless it has been reaped.
func (pr *Proc) signal(sig syscall.Signal, group bool) error {
	if pr.done {
		return nil
	}
	if group && pr.session {
		return pr.p.SignalGroup(sig)
	}
	return pr.p.Signal(sig)
}

func (l *lib) procSendSignal(L *lua.LState) int {
	pr := checkProc(L, 1)
	sig := checkSignal(L, 2)
	if err := pr.signal(sig, false); err != nil {
		return lstate.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) procTerminate(L *lua.LState) int {
	if err := checkProc(L, 1).signal(syscall.SIGTERM, false); err != nil {
		return lstate.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) procKill(L *lua.LState) int {
	if err := checkProc(L, 1).signal(syscall.SIGKILL, false); err != nil {
		return lstate.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// checkSignal reads a signal: a number, or a name with or without "SIG".
func checkSignal(L *lua.LState, n int) syscall.Signal {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		sig := int(v)
		if float64(v) != float64(sig) || sig <= 0 || sig >= 65 {
			lstate.ArgError(L, n, "invalid signal number "+v.String())
		}
		return syscall.Signal(sig)
	case lua.LString:
		name := string(v)
		if len(name) > 3 && name[:3] == "SIG" {
			name = name[3:]
		}
		if sig, ok := signals[name]; ok {
			return sig
		}
		lstate.ArgError(L, n, "unknown signal '"+string(v)+"'")
	default:
		lstate.TypeError(L, n, "signal number or name")
	}
	return 0
}
