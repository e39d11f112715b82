//go:build unix

package signal

import (
	"math"
	"os"
	gosignal "os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

const (
	dflDisp = "default"
	ignDisp = "ignore"
)

// module is one runtime's signal module: the dispositions its scripts
// set, and the channels through which os/signal hands it the signals.
type module struct {
	st *state.State
	L  *lua.LState // the main state

	mu       sync.Mutex
	disp     map[syscall.Signal]lua.LValue // a handler function, or "ignore"; absent: default
	watch    map[syscall.Signal]*watcher   // the signals notified to the runtime
	arrived  uint64                        // bit n: signal n arrived, its handler has not run
	gen      map[syscall.Signal]uint64     // arrivals of each signal, for raise_signal
	kick     chan struct{}                 // a signal arrived (raise_signal waits for it)
	alarm    *time.Timer
	alarmAt  time.Time
	alarmN   uint64 // which alarm is set: ring delivers only the current one
	alarmDfl bool   // an alarm came with SIGALRM at its default: Run raises
	closed   bool
	active   bool // SetSignals was called
}

// watcher is one signal's os/signal channel and the goroutine that
// records what it receives.
type watcher struct {
	ch   chan os.Signal
	done chan struct{}
}

// Loader returns the signal module. In a restricted runtime it raises an
// error unless the host granted signals (runtime.AllowSignals).
func Loader(L *lua.LState) int {
	st := state.Get(L)
	if err := st.Policy.HandleSignals(); err != nil {
		L.RaiseError("%s", luaerr.Message(err))
	}
	m := &module{
		st: st, L: L,
		disp:  map[syscall.Signal]lua.LValue{},
		watch: map[syscall.Signal]*watcher{},
		gen:   map[syscall.Signal]uint64{},
		kick:  make(chan struct{}, 1),
	}
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"signal":       m.signal,
		"getsignal":    m.getsignal,
		"raise_signal": m.raiseSignal,
		"alarm":        m.alarmFn,
		"strsignal":    strsignal,
	})
	luaargs.EachSignal(func(name string, sig syscall.Signal) {
		mod.RawSetString("SIG"+name, lua.LNumber(sig))
	})
	mod.RawSetString("SIG_DFL", lua.LString(dflDisp))
	mod.RawSetString("SIG_IGN", lua.LString(ignDisp))
	L.Push(mod)
	return 1
}

// checkSignal returns argument n as a signal number.
func checkSignal(L *lua.LState, n int) syscall.Signal {
	v := luaargs.CheckNumber(L, n)
	if v != math.Trunc(v) || v < 1 || v > 64 {
		luaargs.ArgError(L, n, "signal number out of range")
	}
	return syscall.Signal(int(v))
}

// activate installs the module's side in the runtime (see
// state.SetSignals), once.
func (m *module) activate(L *lua.LState) {
	if m.active {
		return
	}
	if err := m.st.SetSignals(m.L, m); err != nil {
		L.RaiseError("signal: %s", luaerr.Message(err))
	}
	m.active = true
}

// signal is signal.signal(sig, handler | "default" | "ignore"): it
// returns the previous disposition.
func (m *module) signal(L *lua.LState) int {
	sig := checkSignal(L, 1)
	h := L.Get(2)
	switch v := h.(type) {
	case *lua.LFunction:
	case lua.LString:
		if v != dflDisp && v != ignDisp {
			luaargs.ArgError(L, 2, "a function, \"default\" or \"ignore\" expected")
		}
	default:
		luaargs.TypeError(L, 2, "function or string")
	}
	if sig == unix.SIGKILL || sig == unix.SIGSTOP {
		luaargs.ArgError(L, 1, "SIGKILL and SIGSTOP cannot be caught or ignored")
	}
	if m.closed {
		L.RaiseError("signal: the runtime is closed")
	}
	prev := m.disposition(sig)
	if s, ok := h.(lua.LString); ok && s == dflDisp {
		m.mu.Lock()
		delete(m.disp, sig)
		m.mu.Unlock()
		m.unwatch(sig)
	} else {
		m.activate(L)
		m.mu.Lock()
		m.disp[sig] = h
		m.mu.Unlock()
		// A handler of SIGALRM also takes the SIGALRM that another
		// process sends (kill -ALRM), as in C; alarm's comes directly.
		m.watchSignal(sig)
	}
	L.Push(prev)
	return 1
}

// disposition is what getsignal returns for sig.
func (m *module) disposition(sig syscall.Signal) lua.LValue {
	m.mu.Lock()
	h, ok := m.disp[sig]
	m.mu.Unlock()
	if ok {
		return h
	}
	if gosignal.Ignored(sig) {
		return lua.LString(ignDisp) // ignored when the process started (nohup)
	}
	return lua.LString(dflDisp)
}

func (m *module) getsignal(L *lua.LState) int {
	L.Push(m.disposition(checkSignal(L, 1)))
	return 1
}

// watchSignal has os/signal hand sig to the runtime.
func (m *module) watchSignal(sig syscall.Signal) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.watch[sig] != nil {
		return
	}
	w := &watcher{ch: make(chan os.Signal, 8), done: make(chan struct{})}
	m.watch[sig] = w
	gosignal.Notify(w.ch, sig)
	go func() {
		for {
			select {
			case <-w.ch:
				m.record(sig)
			case <-w.done:
				return
			}
		}
	}()
}

// unwatch stops the delivery of sig to the runtime.
func (m *module) unwatch(sig syscall.Signal) {
	m.mu.Lock()
	w := m.watch[sig]
	delete(m.watch, sig)
	m.mu.Unlock()
	if w != nil {
		gosignal.Stop(w.ch)
		close(w.done)
	}
}

// record notes that sig arrived, and has the runtime run its handler.
func (m *module) record(sig syscall.Signal) {
	m.mu.Lock()
	h := m.disp[sig]
	run := false
	if _, ok := h.(*lua.LFunction); ok {
		m.arrived |= 1 << uint(sig)
		run = true
	}
	m.mu.Unlock()
	// Pending first, then the count raise_signal waits on: once it sees
	// the count move, it runs the pending handlers and must find this one.
	if run {
		m.st.NotifySignal()
	}
	m.mu.Lock()
	m.gen[sig]++
	m.mu.Unlock()
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Run implements state.Signals: it runs the handler of each signal that
// arrived, lowest number first, once however many times it came (as
// POSIX signals coalesce). A handler that raises leaves the others due.
func (m *module) Run(L *lua.LState) {
	defer func() {
		m.mu.Lock()
		left := m.arrived != 0 || m.alarmDfl
		m.mu.Unlock()
		if left {
			m.st.NotifySignal()
		}
	}()
	for {
		m.mu.Lock()
		if m.alarmDfl {
			m.alarmDfl = false
			m.mu.Unlock()
			L.RaiseError("alarm clock")
		}
		if m.arrived == 0 {
			m.mu.Unlock()
			return
		}
		var sig syscall.Signal
		for n := 1; n < 64; n++ {
			if m.arrived&(1<<uint(n)) != 0 {
				sig = syscall.Signal(n)
				break
			}
		}
		m.arrived &^= 1 << uint(sig)
		h := m.disp[sig]
		m.mu.Unlock()
		if fn, ok := h.(*lua.LFunction); ok {
			L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: false}, lua.LNumber(sig))
		}
	}
}

// Handles implements state.Signals.
func (m *module) Handles(sig syscall.Signal) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.disp[sig]
	return ok
}

// Ignored implements state.Signals.
func (m *module) Ignored() []syscall.Signal {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sigs []syscall.Signal
	for sig, h := range m.disp {
		if s, ok := h.(lua.LString); ok && s == ignDisp {
			sigs = append(sigs, sig)
		}
	}
	sort.Slice(sigs, func(i, j int) bool { return sigs[i] < sigs[j] })
	return sigs
}

// Close implements state.Signals: the runtime's channels are stopped, so
// that the process no longer hands it signals, and its alarm cancelled.
func (m *module) Close() {
	m.mu.Lock()
	m.closed = true
	sigs := make([]syscall.Signal, 0, len(m.watch))
	for sig := range m.watch {
		sigs = append(sigs, sig)
	}
	if m.alarm != nil {
		m.alarm.Stop()
		m.alarm = nil
	}
	m.mu.Unlock()
	for _, sig := range sigs {
		m.unwatch(sig)
	}
}

// raiseSignal is signal.raise_signal(sig): it sends sig to the process.
// When the runtime handles sig, the handler has run when it returns (or
// its error is raised), as in Python, whose handlers run at the next
// instruction after raise(3).
func (m *module) raiseSignal(L *lua.LState) int {
	sig := checkSignal(L, 1)
	m.mu.Lock()
	w := m.watch[sig]
	before := m.gen[sig]
	m.mu.Unlock()
	m.st.FlushStdout()
	if err := unix.Kill(os.Getpid(), sig); err != nil {
		return luaerr.PushError(L, os.NewSyscallError("kill", err))
	}
	if w != nil {
		// Wait for os/signal to hand it over: the kernel delivers it to
		// a thread of the process at once, the Go runtime queues it.
		deadline := time.NewTimer(time.Second)
		defer deadline.Stop()
	wait:
		for {
			m.mu.Lock()
			got := m.gen[sig] != before
			m.mu.Unlock()
			if got {
				break
			}
			select {
			case <-m.kick:
			case <-deadline.C:
				break wait
			}
		}
		m.st.RunSignals()
	}
	return 0
}

// alarmFn is signal.alarm(seconds): SIGALRM comes to this runtime after
// seconds (fractions allowed; 0 cancels). It returns the seconds left of
// the alarm it replaces, rounded up as alarm(2) does, or 0. The alarm is
// the runtime's own, not the process's: another runtime in the process
// has its own.
func (m *module) alarmFn(L *lua.LState) int {
	secs := luaargs.CheckNumber(L, 1)
	if secs < 0 || math.IsNaN(secs) || secs > 1e9 {
		luaargs.ArgError(L, 1, "seconds out of range")
	}
	m.activate(L)
	m.mu.Lock()
	defer m.mu.Unlock()
	prev := 0.0
	if m.alarm != nil {
		if m.alarm.Stop() {
			prev = math.Max(math.Ceil(time.Until(m.alarmAt).Seconds()), 1)
		}
		m.alarm = nil
	}
	if secs > 0 && !m.closed {
		d := time.Duration(secs * float64(time.Second))
		m.alarmAt = time.Now().Add(d)
		m.alarmN++
		n := m.alarmN // the timer may fire before AfterFunc returns
		m.alarm = time.AfterFunc(d, func() { m.ring(n) })
	}
	L.Push(lua.LNumber(prev))
	return 1
}

// ring delivers alarm number n to the runtime: to SIGALRM's handler, or, at
// its default, as an error that ends the chunk (the default action of
// SIGALRM ends a process: here it ends the script, not a host).
func (m *module) ring(n uint64) {
	m.mu.Lock()
	if m.alarm == nil || m.alarmN != n || m.closed {
		m.mu.Unlock()
		return
	}
	m.alarm = nil
	h, ok := m.disp[unix.SIGALRM]
	m.gen[unix.SIGALRM]++
	notify := false
	switch {
	case !ok:
		m.alarmDfl, notify = true, true
	default:
		if _, fn := h.(*lua.LFunction); fn {
			m.arrived |= 1 << uint(unix.SIGALRM)
			notify = true
		}
	}
	m.mu.Unlock()
	if notify {
		m.st.NotifySignal()
	}
}

// strsignal is signal.strsignal(sig): the system's description, as
// "Terminated".
func strsignal(L *lua.LState) int {
	s := checkSignal(L, 1).String()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	L.Push(lua.LString(s))
	return 1
}
