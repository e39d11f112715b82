package state

import (
	"context"
	"errors"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/limits"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// Signals is the signal module's side of a runtime: it knows which
// signals the scripts handle, and runs their Lua handlers. The module
// installs it with SetSignals, and calls NotifySignal when a signal
// arrives; the State then runs the handlers in the runtime's goroutine,
// between two VM instructions (the instruction hook) or in the blocking
// call that the signal interrupted, which then resumes.
type Signals interface {
	// Run runs the handlers of the signals that arrived since the last
	// Run, in L, the thread that runs now. A handler's error is raised
	// in L.
	Run(L *lua.LState)
	// Handles reports whether the scripts set a handler for sig, or
	// ignore it: what the command line must not do on their behalf.
	Handles(sig syscall.Signal) bool
	// Ignored returns the signals the scripts set to "ignore", which a
	// child keeps ignored only with restore_signals = false.
	Ignored() []syscall.Signal
	// Close stops the delivery of signals to the runtime.
	Close()
}

// SetSignals installs the signal module's side; L is the runtime's main
// state. From then on every blocking call waits interruptibly, so that a
// signal can run its handler in it, and Lua code runs with the
// instruction hook, which runs the handlers between two instructions.
// It must be called in the runtime's goroutine.
func (st *State) SetSignals(L *lua.LState, s Signals) error {
	st.mu.Lock()
	if st.waker == nil {
		w, err := inherit.NewWaker()
		if err != nil {
			st.mu.Unlock()
			return err
		}
		st.waker = w
	}
	st.mu.Unlock()
	st.sigL = L
	st.signals.Store(&s)
	if L.Context() == nil {
		// The hook runs only in a state with a context: one that is never
		// cancelled costs a check an instruction, and only here.
		L.SetContext(context.Background())
	}
	st.UpdateHook(L)
	return nil
}

// Signals returns what SetSignals installed, or nil.
func (st *State) Signals() Signals {
	if s := st.signals.Load(); s != nil {
		return *s
	}
	return nil
}

// HasSignals reports whether the signal module is in use: chunks must then
// run with a context, so that the instruction hook runs.
func (st *State) HasSignals() bool { return st.signals.Load() != nil }

// IgnoredSignals returns the signals the scripts set to "ignore" (none
// without the signal module). Children start with every signal at its
// default action, these included, unless the script asks to keep them
// ignored (Popen's restore_signals = false): a spawn then sets them to
// SIG_IGN in the child before exec.
func (st *State) IgnoredSignals() []syscall.Signal {
	if s := st.Signals(); s != nil {
		return s.Ignored()
	}
	return nil
}

// NotifySignal records that a signal has arrived for the runtime's
// handlers and wakes the blocking call in progress, if any. It is safe
// to call from any goroutine.
func (st *State) NotifySignal() {
	st.sigPending.Store(true)
	st.mu.Lock()
	if st.waker != nil {
		st.waker.Wake()
	}
	st.mu.Unlock()
}

// SetMetering says whether the meter counts instructions (or CPU time) in
// the instruction hook; the runtime sets it around a chunk that counts.
func (st *State) SetMetering(L *lua.LState, on bool) {
	st.metering = on
	st.UpdateHook(L)
}

// UpdateHook installs in L the instruction hook that the meter and the
// signal handlers need, or none.
func (st *State) UpdateHook(L *lua.LState) {
	m, sig := st.Meter, st.HasSignals()
	switch {
	case st.metering && sig:
		L.SetInstructionHook(limits.HookEvery, func(L *lua.LState) {
			m.Step(limits.HookEvery) // a trip cancels: the VM stops at the next instruction
			st.runSignalsIn(L)
		})
	case st.metering:
		L.SetInstructionHook(limits.HookEvery, func(*lua.LState) { m.Step(limits.HookEvery) })
	case sig:
		L.SetInstructionHook(limits.HookEvery, st.runSignalsIn)
	default:
		L.SetInstructionHook(0, nil)
	}
}

// InChunk marks whether a chunk is running: signal handlers run only
// then, where a Lua error has a protected call to reach.
func (st *State) InChunk(running bool) { st.inChunk.Store(running) }

// RunSignals runs the handlers of the signals that have arrived, in the
// thread that runs now; a handler's error is raised there. A blocking
// call interrupted by a signal calls it (through its wait) before it
// resumes.
func (st *State) RunSignals() {
	if st.sigPending.Load() && st.sigL != nil {
		st.runSignalsIn(st.sigL.G.CurrentThread)
	}
}

func (st *State) runSignalsIn(L *lua.LState) {
	if !st.sigPending.Load() || !st.inChunk.Load() || st.inHandler {
		return
	}
	s := st.Signals()
	if s == nil {
		return
	}
	st.sigPending.Store(false)
	st.inHandler = true
	defer func() { st.inHandler = false }()
	s.Run(L)
}

// HandlerError is a signal handler's error, which ends a wait that the
// task scheduler makes for many tasks: task.run raises Value.
type HandlerError struct {
	Value lua.LValue
}

func (e *HandlerError) Error() string { return "signal handler: " + e.Value.String() }

// Unwrap makes a HandlerError an interruption: the tasks that wait stop.
func (e *HandlerError) Unwrap() error { return luaerr.ErrInterrupted }

// Woke handles a wake of WakeFd seen by a caller that waits itself (the
// task scheduler, select's epoll): it returns luaerr.ErrInterrupted if
// the runtime's context is done; otherwise it runs the signal handlers
// that are due, in a protected call, returning a *HandlerError if one
// raised, and nil when the caller must simply wait again.
func (st *State) Woke() error {
	if st.Interrupted() != nil {
		return luaerr.ErrInterrupted
	}
	st.resetWaker()
	if !st.sigPending.Load() || st.sigL == nil {
		return nil
	}
	L := st.sigL.G.CurrentThread
	fn := L.NewFunction(func(L *lua.LState) int {
		st.runSignalsIn(L)
		return 0
	})
	if err := L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true}); err != nil {
		var api *lua.ApiError
		if errors.As(err, &api) {
			return &HandlerError{Value: api.Object}
		}
		return &HandlerError{Value: lua.LString(err.Error())}
	}
	return nil
}

// resetWaker makes the waker not readable, after a wake for a signal.
func (st *State) resetWaker() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.waker != nil {
		st.waker.Reset()
	}
}

// wakeFd returns the descriptor that a blocking call must also wait on:
// the waker, when the runtime's context or a signal can end the wait, or
// -1. It runs the signal handlers that are due first, and returns
// luaerr.ErrInterrupted if the context is done.
func (st *State) wakeFd(in *interrupt) (int, error) {
	if in != nil && in.ctx.Err() != nil {
		return -1, luaerr.ErrInterrupted
	}
	if in != nil {
		if st.HasSignals() {
			st.RunSignals()
		}
		return in.waker.Fd(), nil
	}
	if !st.HasSignals() {
		return -1, nil
	}
	st.RunSignals()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.waker == nil {
		return -1, nil
	}
	return st.waker.Fd(), nil
}

// woken handles a Woken from a wait on wakeFd's descriptor: an
// interruption if the context is done; otherwise the wake was for a
// signal, whose handlers run (and may raise), and the caller waits again.
func (st *State) woken(in *interrupt) error {
	if in != nil && in.ctx.Err() != nil {
		return luaerr.ErrInterrupted
	}
	st.resetWaker()
	st.RunSignals()
	return nil
}

// closeSignals stops the delivery of signals; Close calls it.
func (st *State) closeSignals() {
	if s := st.Signals(); s != nil {
		s.Close()
	}
	st.signals.Store(nil)
	st.sigL = nil
}
