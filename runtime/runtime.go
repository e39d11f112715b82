package runtime

import (
	"context"
	"errors"
	"fmt"
	goio "io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/limits"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/policy"
	"github.com/safesh/safesh/internal/state"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// Runtime is one Lua state with safesh's modules, and everything its
// scripts acquire: descriptors and child processes. A Runtime runs one
// chunk at a time; distinct Runtimes are independent and may run
// concurrently in one process.
type Runtime struct {
	l   *lua.LState
	st  *state.State
	cfg config
	iso *worker // the worker process of an isolated runtime, or nil

	mu        sync.Mutex
	running   bool
	idle      chan struct{}      // closed when the running chunk ends
	cancel    context.CancelFunc // cancels the running chunk, if it can be
	exitCode  *int               // set by os.exit
	closing   bool               // Close has begun: no chunk starts
	abandoned bool               // Close gave up waiting: the chunk releases at its end
	release   sync.Once
	closeErr  error
}

// ErrClosed is what a call on a closed runtime returns, and what a chunk
// that Close interrupted unwraps to.
var ErrClosed = errors.New("runtime: closed")

// ErrStillRunning is what Close returns when the running chunk has not
// stopped within closeWait of being cancelled (a host function that does
// not return, a Lua call that cannot be interrupted): the runtime is then
// released by the chunk itself, as it ends.
var ErrStillRunning = errors.New("runtime: Close: the running chunk has not stopped; it releases the runtime when it ends")

// closeWait bounds how long Close waits for a running chunk to unwind
// once cancelled.
const closeWait = 2 * time.Second

// relayWait bounds how long Close waits for the goroutines that copy the
// reaped children's output to the host's writers to reach end of file
// and close their pipes.
const relayWait = 500 * time.Millisecond

// begin marks the start of a call that uses the Lua state: one at a time,
// and none once Close has begun.
func (r *Runtime) begin() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing {
		return ErrClosed
	}
	if r.running {
		return errors.New("runtime: a chunk is already running")
	}
	r.running = true
	r.idle = make(chan struct{})
	return nil
}

// end marks its end; if Close gave up waiting for it, it releases the
// runtime now.
func (r *Runtime) end() {
	r.mu.Lock()
	r.running = false
	close(r.idle)
	r.idle, r.cancel = nil, nil
	abandoned := r.abandoned
	r.mu.Unlock()
	if abandoned {
		r.releaseAll()
	}
}

// config is what the options set.
type config struct {
	stdin          goio.Reader
	stdout, stderr goio.Writer
	args           []string
	argv           []string // the whole command line, for a lua.c-style arg table
	script         int      // index of the script in argv, or -1
	modules        map[string]bool
	callStackSize  int
	registrySize   int
	registryMax    int
	unrestricted   bool
	exitProcess    bool
	grace          time.Duration
	grants         *policy.Grants // what the Allow options grant
	files          []fileGrant
	leaveChildren  bool
	funcs          []hostFunc
	hostModules    []hostFunc
	allows         []allow    // the Allow options, for an isolated runtime's worker
	isolation      *Isolation // WithIsolation's, or nil
	limits         limits.Limits
}

// An Option configures a Runtime. Options check their arguments: New
// returns the first error.
type Option func(*config) error

// WithStdin sets the script's standard input (io.stdin). An *os.File is
// used through its descriptor. The default is the process's descriptor 0.
func WithStdin(r goio.Reader) Option {
	return func(c *config) error {
		if r == nil {
			return errors.New("runtime: WithStdin: nil reader")
		}
		c.stdin = r
		return nil
	}
}

// WithStdout sets the script's standard output (io.stdout, print). An
// *os.File is used through its descriptor. The default is the process's
// descriptor 1.
func WithStdout(w goio.Writer) Option {
	return func(c *config) error {
		if w == nil {
			return errors.New("runtime: WithStdout: nil writer")
		}
		c.stdout = w
		return nil
	}
}

// WithStderr sets the script's standard error (io.stderr). An *os.File is
// used through its descriptor. The default is the process's descriptor 2.
func WithStderr(w goio.Writer) Option {
	return func(c *config) error {
		if w == nil {
			return errors.New("runtime: WithStderr: nil writer")
		}
		c.stderr = w
		return nil
	}
}

// WithArgs sets the script's arguments: the global table arg holds them at
// 1..n (and the script's name at 0, set by DoFile), and the main chunk
// receives them as its varargs (...).
func WithArgs(args ...string) Option {
	return func(c *config) error {
		c.args = args
		c.argv, c.script = nil, -1
		return nil
	}
}

// WithCommandLine sets the arg table as the stand-alone Lua interpreter
// does: argv is the whole command line and argv[script] the script, which
// goes to arg[0]; what precedes it (the interpreter and its options) goes
// to negative indices, what follows to 1..n and to the main chunk's
// varargs.
func WithCommandLine(argv []string, script int) Option {
	return func(c *config) error {
		if script < 0 || script >= len(argv) {
			return fmt.Errorf("runtime: WithCommandLine: script index %d out of range", script)
		}
		c.argv, c.script = argv, script
		c.args = argv[script+1:]
		return nil
	}
}

// WithModules sets the modules a script may load by require (io and os
// are globals, and part of the list too). The default is all of them:
// see Modules.
func WithModules(names ...string) Option {
	return func(c *config) error {
		c.modules = map[string]bool{}
		for _, name := range names {
			if !slicesContains(Modules(), name) {
				return fmt.Errorf("runtime: WithModules: unknown module %q", name)
			}
			c.modules[name] = true
		}
		return nil
	}
}

// WithCallStackSize bounds the Lua call stack (gopher-lua's CallStackSize):
// deeper recursion is a Lua error, "stack overflow".
func WithCallStackSize(n int) Option {
	return func(c *config) error {
		if n < 16 {
			return fmt.Errorf("runtime: WithCallStackSize: %d is too small", n)
		}
		c.callStackSize = n
		return nil
	}
}

// WithRegistrySize sets the initial and maximum size of the Lua data
// stack (gopher-lua's RegistrySize and RegistryMaxSize).
func WithRegistrySize(size, max int) Option {
	return func(c *config) error {
		if size < 256 || max < size {
			return fmt.Errorf("runtime: WithRegistrySize: bad sizes %d, %d", size, max)
		}
		c.registrySize, c.registryMax = size, max
		return nil
	}
}

// Unrestricted lets scripts use any descriptor of the process by number,
// as a script run from the command line may: it is the whole process.
// Without it a script may only use the descriptors it created.
func Unrestricted() Option {
	return func(c *config) error {
		c.unrestricted = true
		return nil
	}
}

// ExitProcess makes os.exit end the whole process, after flushing the
// script's standard output, as the stand-alone interpreter does. Without
// it os.exit ends only the script: DoFile and DoString return an error
// that matches *ExitError.
func ExitProcess() Option {
	return func(c *config) error {
		c.exitProcess = true
		return nil
	}
}

// WithGracePeriod sets how long Close lets the script's remaining child
// processes run before killing them. The default is 2 seconds.
func WithGracePeriod(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("runtime: WithGracePeriod: negative duration")
		}
		c.grace = d
		return nil
	}
}

// New returns a Runtime with Lua's base libraries and safesh's modules.
func New(opts ...Option) (*Runtime, error) {
	cfg := config{
		script:        -1,
		callStackSize: lua.CallStackSize,
		registrySize:  lua.RegistrySize,
		registryMax:   lua.RegistrySize * 256,
		grace:         2 * time.Second,
		grants:        policy.NewGrants(),
	}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			cfg.grants.Close()
			return nil, err
		}
	}
	if cfg.isolation != nil {
		cfg.grants.Close()
		return newIsolated(cfg)
	}
	var p policy.Policy = cfg.grants
	if cfg.unrestricted {
		cfg.grants.Close()
		p = policy.AllowAll
	}
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    cfg.callStackSize,
		RegistrySize:     cfg.registrySize,
		RegistryMaxSize:  cfg.registryMax,
		RegistryGrowStep: 1024,
	})
	r := &Runtime{l: L, st: state.New(p), cfg: cfg}
	r.st.Exit = r.exit
	r.st.OwnsProcess = cfg.exitProcess
	state.Install(L, r.st)
	r.setupLimits()
	err := r.grantFiles()
	if err == nil {
		err = r.openLibs()
	}
	if err == nil {
		r.accountAllocs()
	}
	if err != nil {
		r.st.Fds.CloseAll()
		p.Close()
		L.Close()
		return nil, err
	}
	r.setArgs()
	return r, nil
}

// LState returns the underlying gopher-lua state, for a host's own
// functions and modules. Do not use it while a chunk runs.
func (r *Runtime) LState() *lua.LState { return r.l }

func (r *Runtime) setArgs() {
	t := r.l.NewTable()
	if r.cfg.script >= 0 {
		for i, a := range r.cfg.argv {
			t.RawSetInt(i-r.cfg.script, lua.LString(a))
		}
	} else {
		for i, a := range r.cfg.args {
			t.RawSetInt(i+1, lua.LString(a))
		}
	}
	r.l.SetGlobal("arg", t)
}

// exit implements os.exit.
func (r *Runtime) exit(L *lua.LState, code int) {
	if r.cfg.exitProcess {
		if err := r.flush(true); err != nil {
			fmt.Fprintf(os.Stderr, "safesh: %s\n", err) // it names each file
			if code == 0 {
				code = 1
			}
		}
		os.Exit(code)
	}
	r.mu.Lock()
	r.exitCode = &code
	cancel := r.cancel
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	L.RaiseError("exit")
}

// ExitError is returned by DoFile and DoString when the script called
// os.exit in a runtime without ExitProcess.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Error is a Lua error that ended a chunk: a runtime error, a syntax error,
// or an interruption. It keeps the Lua traceback, and the Go error behind
// it, if any (context.Canceled when ctx was cancelled).
type Error struct {
	Message   string     // the error value, as tostring shows it
	Traceback string     // "stack traceback:\n\t...", or ""
	Value     lua.LValue // the error value itself
	cause     error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the Go error behind the Lua error, or nil.
func (e *Error) Unwrap() error { return e.cause }

// DoString runs code as a chunk named name ("" gives "(string)"). ctx may
// interrupt it: blocking calls return at once, and Lua code stops at the
// next instruction.
func (r *Runtime) DoString(ctx context.Context, code, name string) error {
	if name == "" {
		name = "(string)"
	}
	if r.iso != nil {
		_, err := r.isoRequest(ctx, msgString, code, name)
		return err
	}
	if err := r.begin(); err != nil {
		return err
	}
	defer r.end()
	fn, err := r.l.Load(strings.NewReader(code), name)
	if err != nil {
		return r.wrap(ctx, err)
	}
	return r.call(ctx, fn)
}

// DoFile runs the script at path; "-" reads standard input. A first line
// starting with # is skipped (line numbers are kept). arg[0] becomes
// path unless WithCommandLine set it.
func (r *Runtime) DoFile(ctx context.Context, path string) error {
	if r.iso != nil {
		_, err := r.isoRequest(ctx, msgFile, path)
		return err
	}
	var src []byte
	var err error
	name := path
	if path == "-" {
		src, err = readFd(0)
		name = "stdin"
	} else {
		src, err = inherit.ReadFile(path) // not os.ReadFile: see there
	}
	if err != nil {
		return &Error{Message: "cannot read " + path + ": " + luaerr.Message(err), cause: err}
	}
	src = skipShebang(src)
	if err := r.begin(); err != nil {
		return err
	}
	defer r.end()
	if r.cfg.script < 0 {
		if t, ok := r.l.GetGlobal("arg").(*lua.LTable); ok {
			t.RawSetInt(0, lua.LString(path))
		}
	}
	fn, err := r.l.Load(strings.NewReader(string(src)), name)
	if err != nil {
		return r.wrap(ctx, err)
	}
	return r.call(ctx, fn)
}

func readFd(fd int) ([]byte, error) { return readFdWaiting(nil, fd) }

// readFdWaiting reads fd to its end. Given st, and when fd may block (a
// FIFO, a pipe), each read first waits through st.Wait, so that the
// runtime's cancel ends it.
func readFdWaiting(st *state.State, fd int) ([]byte, error) {
	mayBlock := false
	if st != nil && st.Interruptible() {
		if kind, err := inherit.KindOf(fd); err == nil {
			mayBlock = kind.MayBlock()
		}
	}
	var src []byte
	buf := make([]byte, 64<<10)
	for {
		if mayBlock {
			if _, err := st.Wait(fd, false, -1); err != nil {
				return nil, err
			}
		}
		n, err := inherit.Read(fd, buf)
		src = append(src, buf[:n]...)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return src, nil
		}
	}
}

// CallGlobal calls the global function name with args, as Call does.
func (r *Runtime) CallGlobal(ctx context.Context, name string, args ...lua.LValue) ([]lua.LValue, error) {
	if r.iso != nil {
		return r.isoRequest(ctx, msgGlobal, name, args)
	}
	if err := r.begin(); err != nil {
		return nil, err
	}
	defer r.end()
	fn, ok := r.l.GetGlobal(name).(*lua.LFunction)
	if !ok {
		return nil, fmt.Errorf("runtime: %s is not a function", name)
	}
	return r.callArgs(ctx, fn, args)
}

// Call calls fn with args as DoString runs a chunk: ctx may interrupt it,
// and standard output is flushed when it returns. It returns fn's results.
// The interactive session uses it to run what the user typed and show the
// values.
func (r *Runtime) Call(ctx context.Context, fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	if r.iso != nil {
		return nil, errors.New("runtime: Call is not available with WithIsolation: use CallGlobal")
	}
	if err := r.begin(); err != nil {
		return nil, err
	}
	defer r.end()
	return r.callArgs(ctx, fn, args)
}

// call runs fn with the script arguments as varargs.
func (r *Runtime) call(ctx context.Context, fn *lua.LFunction) error {
	args := make([]lua.LValue, len(r.cfg.args))
	for i, a := range r.cfg.args {
		args[i] = lua.LString(a)
	}
	_, err := r.callArgs(ctx, fn, args)
	return err
}

// callArgs runs fn with args and returns its results; begin has been
// called.
func (r *Runtime) callArgs(ctx context.Context, fn *lua.LFunction, args []lua.LValue) ([]lua.LValue, error) {
	// A context is set only where something can cancel the chunk: it costs
	// a check at every Lua instruction.
	runCtx := ctx
	var cancel context.CancelFunc
	if !r.cfg.exitProcess || r.st.Meter.Counts() || r.st.InterruptSignal() != 0 {
		runCtx, cancel = context.WithCancel(ctx)
		defer cancel()
	}
	// Signal handlers run from the instruction hook, which runs only
	// with a context.
	if runCtx.Done() != nil || r.st.HasSignals() {
		r.l.SetContext(runCtx)
		if err := r.st.SetContext(runCtx); err != nil {
			return nil, err
		}
		defer func() {
			r.l.RemoveContext()
			r.st.ClearContext()
		}()
	}
	r.mu.Lock()
	r.exitCode, r.cancel = nil, cancel
	closing := r.closing
	r.mu.Unlock()
	if closing && cancel != nil {
		cancel() // Close came between begin and here
	}

	r.startMeter(cancel)
	if cancel != nil {
		// A child that dies of the interrupt signal cancels the chunk
		// (SetInterruptSignal).
		r.st.SetChunkCancel(cancel)
		defer r.st.SetChunkCancel(nil)
	}
	chunk := r.st.BeginChunk()
	r.st.InChunk(true)
	r.l.Push(fn)
	for _, a := range args {
		r.l.Push(a)
	}
	err := r.l.PCall(len(args), lua.MultRet, nil)
	r.st.InChunk(false)
	tripped := r.stopMeter()
	wctx := ctx
	if r.st.ChildInterrupted() {
		wctx = runCtx // interrupted as by the host's ctx
	}
	if (wctx.Err() != nil || tripped != nil) && !r.cfg.leaveChildren {
		r.st.KillChildrenSince(chunk)
	}
	r.st.SettleOrphans()
	var results []lua.LValue
	if err == nil {
		for i := 1; i <= r.l.GetTop(); i++ {
			results = append(results, r.l.Get(i))
		}
	}
	r.l.SetTop(0)
	ferr := r.flush(false)
	werr := r.wrap(wctx, err)
	if tripped != nil {
		if e, ok := werr.(*Error); ok {
			e.Message, e.cause = tripped.Error(), tripped
		} else if werr == nil {
			werr = &Error{Message: tripped.Error(), cause: tripped}
		}
	}
	if werr != nil || ferr == nil {
		return results, werr
	}
	return results, &Error{Message: ferr.Error(), cause: ferr}
}

// wrap turns what PCall or Load returned into the Runtime's errors.
func (r *Runtime) wrap(ctx context.Context, err error) error {
	r.mu.Lock()
	code := r.exitCode
	closing := r.closing
	r.exitCode = nil
	r.mu.Unlock()
	if code != nil {
		return &ExitError{Code: *code}
	}
	if err == nil {
		return nil
	}
	e := &Error{Message: err.Error()}
	var api *lua.ApiError
	if errors.As(err, &api) {
		e.Value = api.Object
		e.Message = r.describe(api.Object)
		e.Traceback = api.StackTrace
		e.cause = api.Cause
	}
	switch {
	case ctx.Err() != nil:
		e.Message = "interrupted"
		e.cause = ctx.Err()
	case closing:
		e.Message = "interrupted: the runtime was closed"
		e.cause = ErrClosed
	}
	return e
}

// describe renders an error value as tostring would, using __tostring
// (subprocess's error tables have one); a failing __tostring gives the
// plain rendering.
func (r *Runtime) describe(v lua.LValue) string {
	if _, ok := v.(lua.LString); ok || v.Type() == lua.LTNumber {
		return v.String()
	}
	var s string
	err := r.l.CallByParam(lua.P{Fn: r.l.GetGlobal("tostring"), NRet: 1, Protect: true}, v)
	if err == nil {
		s = r.l.Get(-1).String()
		r.l.Pop(1)
		return s
	}
	return v.String()
}

// flush writes out what the scripts left buffered: the standard output
// and error, the files they dropped unclosed (see
// state.State.ReleaseDropped), and the regular files they have open; at
// exit (all) the pipes, sockets and terminals too, as C's exit does. It
// returns what could not be written, in an error whose message names
// each file.
func (r *Runtime) flush(all bool) error {
	var msgs []string
	var errs []error
	if err := r.st.FlushStdout(); err != nil {
		msgs, errs = append(msgs, "standard output: "+luaerr.Message(err)), append(errs, err)
	}
	for _, err := range []error{r.st.ReleaseDropped(), r.st.Fds.FlushAll(!all)} {
		if err != nil {
			msgs, errs = append(msgs, messages(err)...), append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &flushError{strings.Join(msgs, "; "), errors.Join(errs...)}
}

// messages returns the message of each error that err joins: an OS
// error's as scripts see it, any other's (one that names its file) as it
// is.
func messages(err error) []string {
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		var msgs []string
		for _, e := range e.Unwrap() {
			msgs = append(msgs, messages(e)...)
		}
		return msgs
	case *fs.PathError, *os.SyscallError, *os.LinkError:
		return []string{luaerr.Message(err)}
	}
	return []string{err.Error()}
}

// flushError is what flush could not write: msg names each file.
type flushError struct {
	msg string
	err error
}

func (e *flushError) Error() string { return e.msg }
func (e *flushError) Unwrap() error { return e.err }

// Close releases everything the runtime's scripts acquired: it flushes
// standard output, closes every descriptor they still hold, and reaps
// every child they started (killing those still running after the grace
// period). It is safe to call more than once, and from any goroutine: if
// a chunk is running, Close cancels it and waits for it to unwind before
// it releases anything, so the chunk never sees its state taken away
// under it. If the chunk has not stopped within 2 seconds (a host
// function that ignores its context, say), Close returns ErrStillRunning
// at once, and the chunk releases the runtime when it ends. Any call on
// a closed runtime returns ErrClosed.
func (r *Runtime) Close() error {
	if r.iso != nil {
		return r.closeIsolated()
	}
	r.mu.Lock()
	r.closing = true
	idle, cancel := r.idle, r.cancel
	r.mu.Unlock()
	if idle != nil {
		if cancel != nil {
			cancel()
		}
		t := time.NewTimer(closeWait)
		defer t.Stop()
		select {
		case <-idle:
		case <-t.C:
			r.mu.Lock()
			still := r.idle != nil
			r.abandoned = still
			r.mu.Unlock()
			if still {
				return ErrStillRunning
			}
		}
	}
	r.releaseAll()
	return r.closeErr
}

// releaseAll releases the runtime, once, when no chunk runs. What the
// scripts left buffered is written out within closeWait: a pipe that no
// one reads must not hold Close forever. A runtime that is the process
// (ExitProcess) writes it all out, however long it takes, as C's exit
// does.
func (r *Runtime) releaseAll() {
	r.release.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), closeWait)
		bounded := !r.cfg.exitProcess && r.st.SetContext(ctx) == nil
		r.closeErr = errors.Join(r.flush(false), r.st.Fds.CloseAll())
		if bounded {
			r.st.ClearContext()
		}
		cancel()
		if errors.Is(r.closeErr, luaerr.ErrInterrupted) {
			r.closeErr = fmt.Errorf("runtime: Close: buffered output not written within %v: %w", closeWait, r.closeErr)
		}
		r.st.ReapChildren(r.cfg.grace)
		r.st.WaitRelays(relayWait)
		r.st.Policy.Close()
		r.st.Close()
		r.l.Close()
	})
}

// stdStreams returns the io module's streams from the options.
func (r *Runtime) stdStreams() iomod.Streams {
	return iomod.Streams{Stdin: r.cfg.stdin, Stdout: r.cfg.stdout, Stderr: r.cfg.stderr}
}

// StopChildren sends sig to every child process the scripts started and
// that still runs (to its whole process group as well, when it leads one:
// start_new_session), waits up to the grace period (WithGracePeriod) for
// them to exit, and kills those left with SIGKILL. It is safe to call
// from any goroutine, while a chunk runs: the command line calls it when
// it receives SIGTERM or SIGHUP, so that its children are not left
// running, and a host may do the same.
func (r *Runtime) StopChildren(sig os.Signal) {
	if r.iso != nil {
		return
	}
	s, ok := sig.(syscall.Signal)
	if !ok {
		return
	}
	r.st.StopChildren(s, r.cfg.grace)
}

// SetInterruptSignal tells the runtime that sig is what interrupts its
// chunks: an interactive session's SIGINT, which the terminal's Ctrl-C
// sends to the session and to the children in its process group alike.
// A child that a chunk reaps (os.execute, subprocess.run, a Popen's wait,
// a pipeline, io.popen's close) and that died of sig then interrupts the
// chunk at once, as the host cancelling ctx would ("interrupted", and the
// chunk's children killed with their trees): bash's "wait and cooperative
// exit", so that the chunk never goes on because the child died before
// the host received its own sig. nil turns it off, as it is by default:
// a script's child that dies of SIGINT is then just a status.
//
// In a runtime that is the whole process (ExitProcess: the command line),
// the process also becomes the reaper of its orphaned descendants, on
// Linux (PR_SET_CHILD_SUBREAPER), so that an interrupted chunk's
// children's children are killed too when the child died of sig first:
// the orphans that appear while a chunk runs are that chunk's. The
// attribute stays once set. With WithIsolation it does nothing.
func (r *Runtime) SetInterruptSignal(sig os.Signal) {
	if r.iso != nil {
		return
	}
	s, _ := sig.(syscall.Signal)
	r.st.SetInterruptSignal(s)
	if s != 0 && r.cfg.exitProcess {
		r.st.AdoptOrphans() // not on every system: orphans then go to init
	}
}

// WaitsForChild reports whether a call of the scripts is waiting for a
// child they started to end: os.execute, subprocess.run and call, a
// Popen's wait, pipeline, io.popen's close (os.execute, run, call and
// pipeline from the moment they start the child). It is safe to call from any
// goroutine: a host that, as a shell does, leaves Ctrl-C's SIGINT to the
// child it waits for asks it when SIGINT comes (see OnChildInterrupt).
func (r *Runtime) WaitsForChild() bool {
	return r.iso == nil && r.st.WaitsForChild()
}

// OnChildInterrupt makes a child of the running chunk that dies of sig
// call f, on the runtime's goroutine, in the call that reaps it. f says
// whether the host received sig too (Ctrl-C, which reached the child and
// the host alike): if it returns true, the call raises "interrupted"; if
// false (a child that signalled itself), the call returns the child's
// status as usual. The command line runs its scripts so, to end by SIGINT
// as a shell script does once the child it waited for died of the
// terminal's SIGINT ("wait and cooperative exit"). A nil f turns it off.
// It does nothing with WithIsolation. Unlike SetInterruptSignal it needs
// no context that can be cancelled, and so costs the chunk nothing.
func (r *Runtime) OnChildInterrupt(sig os.Signal, f func() bool) {
	if r.iso != nil {
		return
	}
	s, _ := sig.(syscall.Signal)
	r.st.SetChildInterruptHook(s, f)
}

// HandlesSignal reports whether the scripts set a handler for sig with the
// signal module, or set it to "ignore": what a host (the command line)
// must then leave to them.
func (r *Runtime) HandlesSignal(sig os.Signal) bool {
	s, ok := sig.(syscall.Signal)
	if !ok || r.iso != nil {
		return false
	}
	if h := r.st.Signals(); h != nil {
		return h.Handles(s)
	}
	return false
}
