package runtime

import (
	"errors"
	goio "io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/limits"
	lua "github.com/yuin/gopher-lua"
)

// LimitError says that a script reached one of the runtime's limits:
// which (Limit, the option's name without "With": "MaxMemory",
// "InstructionLimit", ...), its value, and what was used or asked for.
// A chunk that a limit ended returns an *Error whose cause is the
// LimitError: match it with errors.As. A limit that refuses one call
// (descriptors, children, output) gives the script nil, a message naming
// the limit, and the errno (EMFILE, EAGAIN, EFBIG); the chunk goes on.
// docs/limits.md says what each limit guarantees, and what it does not.
type LimitError = limits.Error

// WithMaxDescriptors bounds the descriptors the runtime's scripts own at
// once (files, sockets, pipes, directory streams; not the standard
// streams nor granted files): past it, every call that creates one
// returns nil, a message naming the limit, and EMFILE. Without it, a
// runtime still never owns more than 90% of the process's RLIMIT_NOFILE
// (limits.DescriptorMargin), so that its host keeps descriptors of its
// own.
func WithMaxDescriptors(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("runtime: WithMaxDescriptors: n < 1")
		}
		c.limits.Descriptors = n
		return nil
	}
}

// WithMaxChildren bounds the live children of the runtime's scripts (a
// child counts until it is waited for, or dropped and exited): past it,
// starting one gives nil, a message naming the limit, and EAGAIN, as
// fork(2) past RLIMIT_NPROC. The children's own children are not counted.
func WithMaxChildren(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("runtime: WithMaxChildren: n < 1")
		}
		c.limits.Children = n
		return nil
	}
}

// WithMaxOutput bounds the bytes written to each of the runtime's
// standard output and error (the host's writers, or the process's
// descriptors 1 and 2), over the runtime's life, by its scripts and by
// their children: a write past it writes what fits and fails with a
// message naming the limit and EFBIG; a child's output past it is cut,
// the child getting EPIPE. With it, an *os.File given to WithStdout or
// WithStderr is written through the runtime, not handed to children.
func WithMaxOutput(bytes int64) Option {
	return func(c *config) error {
		if bytes < 1 {
			return errors.New("runtime: WithMaxOutput: bytes < 1")
		}
		c.limits.Output = bytes
		return nil
	}
}

// WithInstructionLimit bounds the VM instructions one chunk (DoString,
// DoFile, Call) runs, coroutines included, to within limits.HookEvery:
// past it the chunk ends with a *LimitError, which no pcall can catch.
func WithInstructionLimit(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("runtime: WithInstructionLimit: n < 1")
		}
		c.limits.Instructions = n
		return nil
	}
}

// WithCPUTime bounds the CPU time one chunk uses running Lua code and the
// builtins it calls (on Linux, the thread CPU clock, read every
// limits.HookEvery instructions; elsewhere, the time the chunk runs):
// past it the chunk ends with a *LimitError. Time waiting (for a child, a
// read, a sleep) is not CPU time: use the context for a deadline.
func WithCPUTime(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("runtime: WithCPUTime: d <= 0")
		}
		c.limits.CPUTime = d
		return nil
	}
}

// WithMaxMemory bounds the memory one chunk may take: the builtins that
// can allocate without bound (string.rep, .., table.concat, gsub, format,
// upper, lower, reverse, reads) and the VM, where it makes or grows a
// table or makes a closure or a coroutine, refuse, before allocating, a
// request that would take the process's Go heap more than bytes beyond
// what it was when the chunk began, and a watchdog stops the chunk when
// the heap has grown past it anyway (userdata, substrings, another
// runtime's growth). Either way the chunk ends with a *LimitError ("not
// enough memory"). What the script still refers to (its globals) stays
// until the runtime is closed. docs/limits.md says how exact this is.
func WithMaxMemory(bytes int64) Option {
	return func(c *config) error {
		if bytes < 1 {
			return errors.New("runtime: WithMaxMemory: bytes < 1")
		}
		c.limits.Memory = bytes
		return nil
	}
}

// setupLimits applies the limits to a new runtime's state.
func (r *Runtime) setupLimits() {
	lim := r.cfg.limits
	if lim.Descriptors > 0 {
		r.st.Fds.SetMax(lim.Descriptors, limits.Descriptors)
	} else if n := limits.DefaultDescriptors(inherit.NofileLimit()); n > 0 {
		r.st.Fds.SetMax(n, limits.HostMargin)
	}
	r.st.SetMaxChildren(lim.Children)
	r.st.Meter = limits.NewMeter(lim)
	if lim.Output > 0 {
		var out, errw goio.Writer = os.Stdout, os.Stderr
		if r.cfg.stdout != nil {
			out = r.cfg.stdout
		}
		if r.cfg.stderr != nil {
			errw = r.cfg.stderr
		}
		r.cfg.stdout = &limitedWriter{w: out, max: lim.Output}
		r.cfg.stderr = &limitedWriter{w: errw, max: lim.Output}
	}
}

// startMeter begins counting a chunk; stop cancels it. It returns whether
// the VM must run with a context to count.
func (r *Runtime) startMeter(stop func()) {
	m := r.st.Meter
	if !m.Counts() {
		return
	}
	m.Start(stop)
	if m.Limits().Instructions > 0 || m.Limits().CPUTime > 0 {
		r.st.SetMetering(r.l, true) // the hook steps the meter
	}
}

// stopMeter ends counting and returns what tripped, if anything.
func (r *Runtime) stopMeter() *LimitError {
	m := r.st.Meter
	if !m.Counts() {
		return nil
	}
	r.st.SetMetering(r.l, false)
	return m.Finish()
}

// limitedWriter writes to w at most max bytes in all.
type limitedWriter struct {
	mu     sync.Mutex
	w      goio.Writer
	max, n int64
}

func (lw *limitedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	room := lw.max - lw.n
	if int64(len(p)) <= room {
		n, err := lw.w.Write(p)
		lw.n += int64(n)
		return n, err
	}
	n := 0
	if room > 0 {
		var err error
		n, err = lw.w.Write(p[:room])
		lw.n += int64(n)
		if err != nil {
			return n, err
		}
	}
	return n, &LimitError{Limit: limits.Output, Value: lw.max, Used: lw.n + int64(len(p)-n), Errno: syscall.EFBIG}
}

// accountAllocs wraps, with a memory limit, the builtins that can
// allocate without bound so that they ask the Meter before allocating:
// size returns the most bytes the call can allocate (or -1 to ask
// nothing). Without a memory limit nothing is wrapped: no cost.
func (r *Runtime) accountAllocs() {
	if r.cfg.limits.Memory <= 0 {
		return
	}
	m := r.st.Meter
	// '..', tables, closures and coroutines allocate in the VM, not in a
	// library function (gopher-lua patches 0011 and 0012). The Meter
	// counts only while a chunk runs: outside one, Go code that grows a
	// table must not get a Lua error, which nothing would catch.
	r.l.SetAllocHook(func(L *lua.LState, n int) {
		if e := m.Alloc(int64(n)); e != nil {
			L.RaiseError("%s", e.Error())
		}
	})
	wrap := func(lib, name string, size func(L *lua.LState) int64) {
		t, ok := r.l.GetGlobal(lib).(*lua.LTable)
		if !ok {
			return
		}
		fn, ok := t.RawGetString(name).(*lua.LFunction)
		if !ok || fn.GFunction == nil {
			return
		}
		inner := fn.GFunction
		t.RawSetString(name, r.l.NewFunction(func(L *lua.LState) int {
			if n := size(L); n >= 0 {
				if e := m.Alloc(n); e != nil {
					L.RaiseError("%s", e.Error())
				}
			}
			return inner(L)
		}))
	}
	strLen := func(L *lua.LState, i int) int64 {
		switch v := L.Get(i).(type) {
		case lua.LString:
			return int64(len(v))
		case lua.LNumber:
			return 24
		}
		return 0
	}
	wrap("string", "rep", func(L *lua.LState) int64 {
		n := float64(L.OptNumber(2, 0))
		if n <= 0 {
			return 0
		}
		if b := float64(strLen(L, 1)) * n; b < 1<<62 {
			return int64(b)
		}
		return -2 // Alloc reads a negative size as too much
	})
	for _, name := range []string{"upper", "lower", "reverse"} {
		wrap("string", name, func(L *lua.LState) int64 { return strLen(L, 1) })
	}
	wrap("string", "format", func(L *lua.LState) int64 {
		var n int64
		for i := 1; i <= L.GetTop(); i++ {
			n += strLen(L, i) + 24
		}
		return n
	})
	wrap("string", "gsub", func(L *lua.LState) int64 {
		// A literal replacement adds at most its length at each match,
		// and there are at most len(s)+1 matches. A replacement with
		// captures, a table or a function is left to the watchdog, but
		// for the copy of the subject.
		s := strLen(L, 1)
		repl, ok := L.Get(3).(lua.LString)
		if !ok || strings.IndexByte(string(repl), '%') >= 0 {
			return s
		}
		matches := s + 1
		if n, ok := L.Get(4).(lua.LNumber); ok && int64(n) < matches {
			matches = max(int64(n), 0)
		}
		return s + matches*int64(len(repl))
	})
	wrap("table", "concat", func(L *lua.LState) int64 {
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return -1
		}
		i, j := L.OptInt(3, 1), L.OptInt(4, t.Len())
		sep := strLen(L, 2)
		var n int64
		for k := i; k <= j; k++ {
			switch v := t.RawGetInt(k).(type) {
			case lua.LString:
				n += int64(len(v)) + sep
			case lua.LNumber:
				n += 24 + sep
			default:
				return n // concat itself refuses it
			}
		}
		return n
	})
}
