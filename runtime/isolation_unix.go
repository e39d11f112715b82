//go:build unix

package runtime

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	goio "io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/cgroup"
	"github.com/safesh/safesh/internal/isolate"
	"github.com/safesh/safesh/internal/limits"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// worker is the host's side of an isolated runtime.
type worker struct {
	proc   *inherit.Process
	conn   *os.File // blocking: see newIsolated
	wmu    sync.Mutex
	frames chan isolate.Frame // closed when the worker ends
	funcs  map[string]lua.LGFunction
	out    [3]*lockedWriter
	copied sync.WaitGroup // the stdin and stderr copiers
	crash  crashLog
	iso    Isolation     // the kernel limits it runs under
	group  *cgroup.Group // the worker's control group (Isolation.Cgroup), or nil

	// L is the host-side state WithFunc's functions run on: the reader
	// goroutine calls them as the worker asks, while the caller of the
	// request waits for its end, so that a host function call costs no
	// hand-over between goroutines.
	L *lua.LState

	// cancel is the host's end of a second socket that carries only
	// cancellations: the request number (8 bytes), or 0 for whatever
	// runs. The worker's main goroutine reads requests and replies on
	// conn itself, one at a time, and another of its goroutines reads
	// cancel, so that a chunk that runs Lua code is still cancelled.
	cancel *os.File
	seq    uint64 // requests sent so far

	mu   sync.Mutex
	dead error // why the worker ended, once it has
}

func (w *worker) send(typ byte, values ...any) error {
	f, err := isolate.Message(typ, values...)
	if err != nil {
		return err
	}
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return isolate.WriteFrame(w.conn, f)
}

// lockedWriter serialises the writes of the frame reader and the stderr
// copier to one host writer.
type lockedWriter struct {
	mu sync.Mutex
	w  goio.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// crashLog keeps the first line of what the Go runtime prints as it dies.
type crashLog struct {
	mu   sync.Mutex
	tail []byte
	line string
}

func (c *crashLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.line == "" {
		c.tail = append(c.tail, p...)
		for _, l := range strings.Split(string(c.tail), "\n") {
			if strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "runtime: out of memory") {
				c.line = l
				break
			}
		}
		if len(c.tail) > 4096 {
			c.tail = c.tail[len(c.tail)-4096:]
		}
	}
	return len(p), nil
}

// newIsolated starts the worker of an isolated runtime.
func newIsolated(cfg config) (*Runtime, error) {
	switch {
	case len(cfg.hostModules) > 0:
		return nil, errors.New("runtime: WithModule cannot be combined with WithIsolation")
	case cfg.exitProcess:
		return nil, errors.New("runtime: ExitProcess cannot be combined with WithIsolation")
	}
	prog := cfg.isolation.Worker
	if prog == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("runtime: WithIsolation: %w", err)
		}
		prog = exe
	}
	w := &worker{frames: make(chan isolate.Frame, 16), funcs: map[string]lua.LGFunction{}, iso: *cfg.isolation}
	var closeLater []int
	defer func() {
		for _, fd := range closeLater {
			inherit.Close(fd)
		}
	}()
	pair, err := inherit.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, fmt.Errorf("runtime: WithIsolation: %w", err)
	}
	closeLater = append(closeLater, pair[1])
	// Both ends stay in blocking mode: the reader goroutine and the
	// worker's main goroutine wait in read(2) itself, which wakes them
	// sooner than the netpoller's park and epoll wake-up would.
	w.conn = os.NewFile(uintptr(pair[0]), "isolated worker")
	cpair, err := inherit.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		w.conn.Close()
		return nil, fmt.Errorf("runtime: WithIsolation: %w", err)
	}
	closeLater = append(closeLater, cpair[1])
	w.cancel = os.NewFile(uintptr(cpair[0]), "isolated worker's cancel")

	// The worker's standard descriptors: the host's files as they are;
	// a Go reader through a pipe; Go writers through frames, which keep
	// the output in order with the end of each call.
	files := []int{0, 1, 2}
	streams := []string{"fd", "fd", "fd"}
	if cfg.stdin != nil {
		if f, ok := cfg.stdin.(*os.File); ok {
			files[0] = int(f.Fd())
		} else {
			r, wr, err := inherit.Pipe()
			if err != nil {
				w.conn.Close()
				return nil, err
			}
			files[0] = r
			closeLater = append(closeLater, r)
			pw := os.NewFile(uintptr(wr), "worker stdin")
			w.copied.Add(1)
			go func() {
				defer w.copied.Done()
				goio.Copy(pw, cfg.stdin)
				pw.Close()
			}()
		}
	}
	for i, s := range []goio.Writer{nil, cfg.stdout, cfg.stderr} {
		if i == 0 || s == nil {
			continue
		}
		if f, ok := s.(*os.File); ok {
			files[i] = int(f.Fd())
			continue
		}
		w.out[i] = &lockedWriter{w: s}
		streams[i] = "frames"
	}
	// Descriptor 2 is a pipe to the host, whatever the script's stderr is:
	// what the worker's Go runtime prints as it dies (fatal error, panic)
	// reaches the host's stderr and the error.
	r2, w2, err := inherit.Pipe()
	if err != nil {
		w.conn.Close()
		return nil, err
	}
	closeLater = append(closeLater, w2)
	var errDest goio.Writer = os.Stderr
	if w.out[2] != nil {
		errDest = w.out[2]
	} else if files[2] != 2 {
		errDest = cfg.stderr
	}
	files[2] = w2
	pr := os.NewFile(uintptr(r2), "worker stderr")
	w.copied.Add(1)
	go func() {
		defer w.copied.Done()
		goio.Copy(goio.MultiWriter(errDest, &w.crash), pr)
		pr.Close()
	}()

	pass := []int{pair[1], cpair[1]}
	var grants [][]any
	for _, g := range cfg.files {
		fd := int(g.f.Fd())
		pass = append(pass, fd)
		grants = append(grants, []any{g.name, fd, g.writable})
	}
	if w.iso.Cgroup {
		if w.group, err = cgroup.New(cgroup.Limits{Memory: w.iso.MaxMemory, Tasks: w.iso.MaxProcesses}); err != nil {
			w.conn.Close()
			w.cancel.Close()
			return nil, fmt.Errorf("runtime: WithIsolation: %w", err)
		}
	}
	env := append(os.Environ(), isolatedEnv+"="+strconv.Itoa(pair[1])+","+strconv.Itoa(cpair[1]))
	p, err := inherit.StartProcess(prog, []string{prog}, &inherit.ProcAttr{Env: env, Files: files, PassFds: pass})
	if err == nil && w.group != nil {
		// The worker runs none of the plugin's code before its init
		// message: it joins the group before it could start anything.
		if err = w.group.Add(p.Pid); err != nil {
			p.Signal(syscall.SIGKILL)
			p.Wait(-1, -1)
			p.Release()
		}
	}
	if err != nil {
		w.conn.Close()
		w.cancel.Close()
		if w.group != nil {
			w.group.Remove()
		}
		return nil, fmt.Errorf("runtime: WithIsolation: start %s: %w", prog, err)
	}
	w.proc = p
	for _, fd := range closeLater { // the worker has its copies
		inherit.Close(fd)
	}
	closeLater = nil
	w.L = lua.NewState(lua.Options{SkipOpenLibs: true})
	go w.read()
	for _, f := range cfg.funcs {
		w.funcs[f.name] = f.fn
	}

	fail := func(err error) (*Runtime, error) {
		w.kill()
		return nil, err
	}
	select {
	case f, ok := <-w.frames:
		if !ok || f.Type != msgHello {
			return fail(fmt.Errorf("runtime: WithIsolation: %s did not start as a worker (its main must call runtime.ServeIsolated first): %w", prog, w.err()))
		}
	case <-time.After(10 * time.Second):
		return fail(fmt.Errorf("runtime: WithIsolation: %s did not start as a worker within 10s (its main must call runtime.ServeIsolated first)", prog))
	}
	L := w.L
	initTable, err := initMessage(L, cfg, streams, grants)
	if err == nil {
		err = w.send(msgInit, initTable)
	}
	if err != nil {
		L.Close()
		return fail(err)
	}
	if _, err := w.await(context.Background(), L); err != nil {
		L.Close()
		return fail(err)
	}
	return &Runtime{l: L, cfg: cfg, iso: w}, nil
}

// initMessage is the configuration the worker builds its runtime from.
func initMessage(L *lua.LState, cfg config, streams []string, files [][]any) (*lua.LTable, error) {
	t := L.NewTable()
	strs := func(ss []string) *lua.LTable {
		l := L.NewTable()
		for _, s := range ss {
			l.Append(lua.LString(s))
		}
		return l
	}
	t.RawSetString("args", strs(cfg.args))
	t.RawSetString("argv", strs(cfg.argv))
	t.RawSetString("script", lua.LNumber(cfg.script))
	if cfg.modules != nil {
		var names []string
		for n := range cfg.modules {
			names = append(names, n)
		}
		t.RawSetString("modules", strs(names))
	}
	t.RawSetString("callStackSize", lua.LNumber(cfg.callStackSize))
	t.RawSetString("registrySize", lua.LNumber(cfg.registrySize))
	t.RawSetString("registryMax", lua.LNumber(cfg.registryMax))
	t.RawSetString("unrestricted", lua.LBool(cfg.unrestricted))
	t.RawSetString("grace", lua.LNumber(cfg.grace.Seconds()))
	t.RawSetString("leaveChildren", lua.LBool(cfg.leaveChildren))
	allows := L.NewTable()
	for _, a := range cfg.allows {
		allows.Append(strs(append([]string{a.name}, a.args...)))
	}
	t.RawSetString("allows", allows)
	funcs := L.NewTable()
	for _, f := range cfg.funcs {
		funcs.Append(lua.LString(f.name))
	}
	t.RawSetString("funcs", funcs)
	ft := L.NewTable()
	for _, f := range files {
		e := L.NewTable()
		e.Append(lua.LString(f[0].(string)))
		e.Append(lua.LNumber(f[1].(int)))
		e.Append(lua.LBool(f[2].(bool)))
		ft.Append(e)
	}
	t.RawSetString("files", ft)
	t.RawSetString("stdout", lua.LString(streams[1]))
	t.RawSetString("stderr", lua.LString(streams[2]))
	lim := L.NewTable()
	lim.Append(lua.LNumber(cfg.limits.Descriptors))
	lim.Append(lua.LNumber(cfg.limits.Children))
	lim.Append(lua.LNumber(cfg.limits.Output))
	lim.Append(lua.LNumber(cfg.limits.Instructions))
	lim.Append(lua.LNumber(cfg.limits.CPUTime))
	lim.Append(lua.LNumber(cfg.limits.Memory))
	t.RawSetString("limits", lim)
	iso := cfg.isolation
	t.RawSetString("maxMemory", lua.LNumber(iso.MaxMemory))
	t.RawSetString("cpuTime", lua.LNumber(iso.CPUTime.Seconds()))
	t.RawSetString("maxDescriptors", lua.LNumber(iso.MaxDescriptors))
	t.RawSetString("maxProcesses", lua.LNumber(iso.MaxProcesses))
	return t, nil
}

// read delivers the worker's frames, writing its output as it comes;
// when the worker ends it records why and closes w.frames.
func (w *worker) read() {
	var err error
	br := bufio.NewReaderSize(w.conn, 64<<10)
	for {
		var f isolate.Frame
		f, err = isolate.ReadFrame(br)
		if err != nil {
			break
		}
		switch {
		case f.Type == msgOutput && len(f.Payload) > 0:
			stream, data := f.Payload[0], f.Payload[1:]
			if stream < 3 && w.out[stream] != nil {
				w.out[stream].Write(data)
			}
		case f.Type == msgCallHost:
			w.callHost(w.L, f)
		default:
			w.frames <- f
		}
	}
	w.proc.Wait(-1, -1)
	oomKilled := false
	if w.group != nil {
		// What the worker started ends with it.
		oomKilled = w.group.OOMKills() > 0
		if err := w.group.Remove(); err != nil {
			fmt.Fprintf(os.Stderr, "safesh: isolated worker's control group: %v\n", err)
		}
	}
	w.copied.Wait()
	status, _ := w.proc.Done()
	why := fmt.Sprintf("exit status %d", status.Code)
	if status.Signal != 0 {
		why = "killed by signal " + unix.SignalName(status.Signal)
	}
	w.crash.mu.Lock()
	if w.crash.line != "" {
		why += ": " + w.crash.line
	}
	w.crash.mu.Unlock()
	w.mu.Lock()
	if w.dead == nil {
		if lim := w.limitReached(status.Signal, w.crash.line, oomKilled); lim != nil {
			w.dead = fmt.Errorf("%w (%s): %w", ErrWorker, why, lim)
		} else {
			w.dead = fmt.Errorf("%w (%s)", ErrWorker, why)
		}
	}
	w.mu.Unlock()
	close(w.frames)
}

// cpuLimitCrash is what a worker prints as RLIMIT_CPU ends it.
const cpuLimitCrash = "fatal error: CPU time limit reached (RLIMIT_CPU)"

// limitReached tells which of the kernel's limits ended the worker, from
// how it died: SIGXCPU past CPUTime (RLIMIT_CPU), or under MaxMemory the
// Go runtime's out-of-memory fatal error (RLIMIT_AS and the Go memory
// limit) or the kernel's SIGKILL for the control group's memory
// (groupOOM: the group counted an OOM kill). It is nil for any other
// end. Used is unknown there: it is the limit itself.
func (w *worker) limitReached(sig syscall.Signal, crash string, groupOOM bool) *LimitError {
	switch {
	case w.iso.CPUTime > 0 && (sig == syscall.SIGXCPU || crash == cpuLimitCrash):
		d := w.iso.CPUTime.Round(time.Second)
		if d < w.iso.CPUTime {
			d += time.Second
		}
		return &LimitError{Limit: limits.CPUTime, Value: int64(d), Used: int64(d)}
	case w.iso.MaxMemory > 0 && (strings.Contains(crash, "out of memory") || sig == syscall.SIGKILL && groupOOM):
		return &LimitError{Limit: limits.Memory, Value: w.iso.MaxMemory, Used: w.iso.MaxMemory, Errno: syscall.ENOMEM}
	}
	return nil
}

// err is why the worker ended (once frames is closed).
func (w *worker) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dead == nil {
		return ErrWorker
	}
	return w.dead
}

// kill ends the worker at once.
func (w *worker) kill() {
	w.proc.Signal(syscall.SIGKILL)
	w.shutdown()
	w.conn.Close()
	w.cancel.Close()
	for range w.frames {
	}
	w.proc.Release()
}

// shutdown ends the reader's blocking read on conn, even while another
// process still holds the worker's end.
// Through SyscallConn, so that a closed conn's number, which may have
// been reused, is never shut down.
func (w *worker) shutdown() {
	if rc, err := w.conn.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { syscall.Shutdown(int(fd), syscall.SHUT_RDWR) })
	}
}

// sendCancel asks the worker to cancel request seq (0: whatever runs).
func (w *worker) sendCancel(seq uint64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	_, err := w.cancel.Write(b[:])
	return err
}

// await waits until the request ends (the reader goroutine meanwhile runs
// the host functions the worker calls), and returns its results. A
// cancelled ctx cancels the chunk, and kills the worker if it has not
// ended within cancelWait.
func (w *worker) await(ctx context.Context, L *lua.LState) ([]lua.LValue, error) {
	var deadline <-chan time.Time
	done := ctx.Done()
	for {
		select {
		case f, ok := <-w.frames:
			if !ok {
				err := w.err()
				if ctx.Err() != nil {
					return nil, &Error{Message: "interrupted", cause: ctx.Err()}
				}
				return nil, &Error{Message: err.Error(), cause: err}
			}
			if f.Type == msgDone {
				return w.done(ctx, L, f)
			}
		case <-done:
			done = nil
			w.sendCancel(w.seq)
			deadline = time.After(cancelWait)
		case <-deadline:
			w.proc.Signal(syscall.SIGKILL)
			deadline = nil
		}
	}
}

// done turns a msgDone into the results or error of the request.
func (w *worker) done(ctx context.Context, L *lua.LState, f isolate.Frame) ([]lua.LValue, error) {
	vs, err := isolate.NewDecoder(f.Payload).Values(L)
	if err != nil || len(vs) == 0 {
		return nil, fmt.Errorf("runtime: isolated worker: bad reply: %v", err)
	}
	str := func(i int) string {
		if i < len(vs) {
			return lua.LVAsString(vs[i])
		}
		return ""
	}
	switch str(0) {
	case "ok":
		return vs[1:], nil
	case "exit":
		return nil, &ExitError{Code: int(lua.LVAsNumber(vs[1]))}
	case "interrupted":
		e := &Error{Message: "interrupted", cause: ctx.Err()}
		if e.cause == nil {
			e.cause = context.Canceled
		}
		return nil, e
	case "closed":
		return nil, ErrClosed
	case "go":
		return nil, errors.New(str(1))
	case "limit":
		num := func(i int) int64 {
			if i < len(vs) {
				return int64(lua.LVAsNumber(vs[i]))
			}
			return 0
		}
		lim := &LimitError{Limit: str(3), Value: num(4), Used: num(5), Errno: syscall.Errno(num(6))}
		return nil, &Error{Message: str(1), Traceback: str(2), Value: lua.LString(str(1)), cause: lim}
	}
	e := &Error{Message: str(1), Traceback: str(2), Value: lua.LString(str(1))}
	if len(vs) > 3 {
		e.Value = vs[3]
	}
	return nil, e
}

// callHost runs a host function for the worker and replies.
func (w *worker) callHost(L *lua.LState, f isolate.Frame) {
	d := isolate.NewDecoder(f.Payload)
	name, err := d.String()
	var args []lua.LValue
	if err == nil {
		args, err = d.Values(L)
	}
	fn := w.funcs[name]
	if err != nil || fn == nil {
		w.send(msgReply, false, fmt.Sprintf("host function %q: bad call: %v", name, err))
		return
	}
	top := L.GetTop()
	L.Push(L.NewFunction(fn))
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		msg := err.Error()
		var api *lua.ApiError
		if errors.As(err, &api) {
			msg = lua.LVAsString(api.Object)
		}
		L.SetTop(top)
		w.send(msgReply, false, msg)
		return
	}
	var results []lua.LValue
	for i := top + 1; i <= L.GetTop(); i++ {
		results = append(results, L.Get(i))
	}
	L.SetTop(top)
	if err := w.send(msgReply, true, results); err != nil {
		w.send(msgReply, false, "host function "+name+": "+err.Error())
	}
}

// isoRequest runs one request in the worker.
func (r *Runtime) isoRequest(ctx context.Context, typ byte, values ...any) ([]lua.LValue, error) {
	if err := r.begin(); err != nil {
		return nil, err
	}
	defer r.end()
	if err := ctx.Err(); err != nil {
		return nil, &Error{Message: "interrupted", cause: err}
	}
	r.iso.seq++
	if err := r.iso.send(typ, values...); err != nil {
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
			<-r.iso.frames // it has ended: the reader says why
			werr := r.iso.err()
			return nil, &Error{Message: werr.Error(), cause: werr}
		}
		return nil, err
	}
	return r.iso.await(ctx, r.l)
}

// closeIsolated ends the worker: it closes its runtime (reaping its
// children within the grace period), or is killed past that.
func (r *Runtime) closeIsolated() error {
	r.mu.Lock()
	r.closing = true
	r.mu.Unlock()
	var err error
	r.release.Do(func() {
		w := r.iso
		w.sendCancel(0) // a chunk that runs is cancelled, then the worker quits
		w.send(msgQuit)
		t := time.NewTimer(r.cfg.grace + closeWait)
		defer t.Stop()
		killed, stuck := false, false
	wait:
		for {
			select {
			case f, ok := <-w.frames:
				if !ok {
					break wait
				}
				if f.Type == msgDone {
					vs, _ := isolate.NewDecoder(f.Payload).Values(r.l)
					if len(vs) > 1 && lua.LVAsString(vs[0]) == "go" {
						err = errors.New(lua.LVAsString(vs[1]))
					}
				}
			case <-t.C:
				if killed {
					// The reader is held by a host function that does not
					// return: the worker is gone, and what the reader and
					// that function use is released when they end.
					stuck = true
					break wait
				}
				w.proc.Signal(syscall.SIGKILL)
				killed = true
				t.Reset(closeWait)
			}
		}
		w.shutdown()
		w.conn.Close()
		w.cancel.Close()
		release := func() {
			w.proc.Release()
			r.l.Close()
		}
		if stuck {
			err = errors.New("runtime: Close: a host function called by the isolated worker has not returned; the worker was killed")
			go func() {
				for range w.frames {
				}
				release()
			}()
			return
		}
		release()
	})
	return err
}

// ServeIsolated makes the process the worker of an isolated runtime when
// it was started as one (see WithIsolation), and then never returns; in
// any other process it returns at once. A host that isolates its runtimes
// calls it first in main.
func ServeIsolated() {
	v, ok := os.LookupEnv(isolatedEnv)
	if !ok {
		return
	}
	os.Unsetenv(isolatedEnv)
	a, b, _ := strings.Cut(v, ",")
	fd, err := strconv.Atoi(a)
	cfd, cerr := strconv.Atoi(b)
	if err != nil || cerr != nil {
		fmt.Fprintf(os.Stderr, "safesh worker: bad %s=%q\n", isolatedEnv, v)
		os.Exit(2)
	}
	os.Exit(serveWorker(fd, cfd))
}

// host is the worker's side of an isolated runtime. The main goroutine
// reads conn: a request, then, while it runs, the replies to its calls of
// host functions (stub), one frame at a time. Cancellations come on a
// socket of their own, read by watchCancels.
type host struct {
	conn *os.File      // blocking: see serveWorker
	r    *bufio.Reader // conn's frames, read by the main goroutine only
	wmu  sync.Mutex

	mu        sync.Mutex
	seq       uint64             // the request running, or the last one
	cancelled uint64             // the highest request the host cancelled
	cancel    context.CancelFunc // cancels the running request, or nil

	quitting bool // a stub read msgQuit instead of its reply (main goroutine only)
}

// begin numbers the request that starts and returns its context, already
// cancelled when the host's cancel came before the request itself.
func (h *host) begin() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	h.cancel = cancel
	if h.cancelled >= h.seq {
		cancel()
	}
	return ctx
}

// end forgets the request that ended.
func (h *host) end() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cancel()
	h.cancel = nil
}

// cancelRequest cancels request seq, now or when it starts; 0 cancels
// whatever runs.
func (h *host) cancelRequest(seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if seq == 0 {
		seq = h.seq
	}
	h.cancelled = max(h.cancelled, seq)
	if h.cancel != nil && h.seq == seq {
		h.cancel()
	}
}

// watchCancels reads the host's cancellations until the host goes away,
// which cancels what runs.
func (h *host) watchCancels(c *os.File) {
	var b [8]byte
	for {
		if _, err := goio.ReadFull(c, b[:]); err != nil {
			h.cancelRequest(0)
			return
		}
		h.cancelRequest(binary.BigEndian.Uint64(b[:]))
	}
}

func (h *host) send(typ byte, values ...any) error {
	f, err := isolate.Message(typ, values...)
	if err != nil {
		return err
	}
	h.wmu.Lock()
	defer h.wmu.Unlock()
	return isolate.WriteFrame(h.conn, f)
}

// frameWriter carries one output stream to the host.
type frameWriter struct {
	h      *host
	stream byte
}

func (fw frameWriter) Write(p []byte) (int, error) {
	const chunk = 1 << 20
	for off := 0; off < len(p); off += chunk {
		end := min(off+chunk, len(p))
		f := isolate.Frame{Type: msgOutput, Payload: append([]byte{fw.stream}, p[off:end]...)}
		fw.h.wmu.Lock()
		err := isolate.WriteFrame(fw.h.conn, f)
		fw.h.wmu.Unlock()
		if err != nil {
			return off, err
		}
	}
	return len(p), nil
}

func serveWorker(fd, cancelFd int) int {
	// fd is in blocking mode, as the host made it: the main goroutine
	// waits for requests and replies in read(2), not in the netpoller.
	syscall.SetNonblock(fd, false)
	conn := os.NewFile(uintptr(fd), "isolated host")
	h := &host{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
	if err := h.send(msgHello); err != nil {
		return 2
	}
	f, err := isolate.ReadFrame(h.r)
	if err != nil || f.Type != msgInit {
		return 2
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	vs, err := isolate.NewDecoder(f.Payload).Values(L)
	var init *lua.LTable
	if err == nil && len(vs) == 1 {
		init, _ = vs[0].(*lua.LTable)
	}
	if init == nil {
		h.send(msgDone, "go", "runtime: isolated worker: bad configuration")
		return 2
	}
	opts, err := workerOptions(init, h)
	if err == nil {
		err = limitWorker(init)
	}
	var r *Runtime
	if err == nil {
		r, err = New(opts...)
	}
	if err != nil {
		h.send(msgDone, "go", err.Error())
		return 1
	}
	syscall.SetNonblock(cancelFd, true)
	go h.watchCancels(os.NewFile(uintptr(cancelFd), "isolated host's cancel"))
	h.send(msgDone, "ok")

	for {
		f, err := isolate.ReadFrame(h.r)
		if err != nil || f.Type == msgQuit || h.quitting {
			if err := r.Close(); err != nil {
				h.send(msgDone, "go", err.Error())
			} else {
				h.send(msgDone, "closed")
			}
			return 0
		}
		switch f.Type {
		case msgString, msgFile, msgGlobal:
			ctx := h.begin()
			results, err := r.serve(ctx, f)
			h.end()
			h.sendResult(results, err)
		}
	}
}

// serve runs one request from the host in the worker's runtime.
func (r *Runtime) serve(ctx context.Context, f isolate.Frame) ([]lua.LValue, error) {
	d := isolate.NewDecoder(f.Payload)
	first, err := d.String()
	if err != nil {
		return nil, err
	}
	switch f.Type {
	case msgString:
		name, _ := d.String()
		return nil, r.DoString(ctx, first, name)
	case msgFile:
		return nil, r.DoFile(ctx, first)
	}
	args, err := d.Values(r.l)
	if err != nil {
		return nil, err
	}
	return r.CallGlobal(ctx, first, args...)
}

// sendResult tells the host how a request ended.
func (h *host) sendResult(results []lua.LValue, err error) {
	var e *Error
	var exit *ExitError
	var lim *LimitError
	switch {
	case err == nil:
		if err := h.send(msgDone, "ok", results); err != nil {
			h.send(msgDone, "error", "results: "+err.Error(), "")
		}
	case errors.As(err, &exit):
		h.send(msgDone, "exit", exit.Code)
	case errors.As(err, &e) && e.Message == "interrupted":
		h.send(msgDone, "interrupted")
	case errors.Is(err, ErrClosed):
		h.send(msgDone, "closed")
	case errors.As(err, &e) && errors.As(err, &lim):
		// A limit crosses whole, so that the host's errors.As finds it as
		// it would in-process; the numbers are exact in a float64 up to 2^53.
		h.send(msgDone, "limit", e.Message, e.Traceback, lim.Limit, lim.Value, lim.Used, int64(lim.Errno))
	case errors.As(err, &e):
		if h.send(msgDone, "error", e.Message, e.Traceback, e.Value) != nil {
			h.send(msgDone, "error", e.Message, e.Traceback)
		}
	default:
		h.send(msgDone, "go", err.Error())
	}
}

// workerOptions are the options of the worker's runtime, from the host's
// configuration.
func workerOptions(t *lua.LTable, h *host) ([]Option, error) {
	strs := func(key string) []string {
		var ss []string
		if l, ok := t.RawGetString(key).(*lua.LTable); ok {
			for i := 1; i <= l.Len(); i++ {
				ss = append(ss, lua.LVAsString(l.RawGetInt(i)))
			}
		}
		return ss
	}
	num := func(key string) int { return int(lua.LVAsNumber(t.RawGetString(key))) }
	opts := []Option{func(c *config) error {
		c.args, c.argv, c.script = strs("args"), strs("argv"), num("script")
		if _, ok := t.RawGetString("modules").(*lua.LTable); ok {
			c.modules = map[string]bool{}
			for _, m := range strs("modules") {
				c.modules[m] = true
			}
		}
		c.callStackSize, c.registrySize, c.registryMax = num("callStackSize"), num("registrySize"), num("registryMax")
		c.unrestricted = lua.LVAsBool(t.RawGetString("unrestricted"))
		c.grace = time.Duration(float64(lua.LVAsNumber(t.RawGetString("grace"))) * float64(time.Second))
		c.leaveChildren = lua.LVAsBool(t.RawGetString("leaveChildren"))
		if lim, ok := t.RawGetString("limits").(*lua.LTable); ok {
			n := func(i int) int64 { return int64(lua.LVAsNumber(lim.RawGetInt(i))) }
			c.limits.Descriptors, c.limits.Children, c.limits.Output = int(n(1)), int(n(2)), n(3)
			c.limits.Instructions, c.limits.CPUTime, c.limits.Memory = n(4), time.Duration(n(5)), n(6)
		}
		return nil
	}}
	if allows, ok := t.RawGetString("allows").(*lua.LTable); ok {
		for i := 1; i <= allows.Len(); i++ {
			a, _ := allows.RawGetInt(i).(*lua.LTable)
			if a == nil || a.Len() < 1 {
				continue
			}
			var args []string
			for j := 2; j <= a.Len(); j++ {
				args = append(args, lua.LVAsString(a.RawGetInt(j)))
			}
			grant, ok := allowOptions[lua.LVAsString(a.RawGetInt(1))]
			if !ok {
				return nil, fmt.Errorf("runtime: isolated worker: unknown grant %s", a.RawGetInt(1))
			}
			opts = append(opts, grant(args...))
		}
	}
	for _, name := range strs("funcs") {
		opts = append(opts, WithFunc(name, h.stub(name)))
	}
	if files, ok := t.RawGetString("files").(*lua.LTable); ok {
		for i := 1; i <= files.Len(); i++ {
			e, _ := files.RawGetInt(i).(*lua.LTable)
			if e == nil {
				continue
			}
			f := os.NewFile(uintptr(lua.LVAsNumber(e.RawGetInt(2))), lua.LVAsString(e.RawGetInt(1)))
			opts = append(opts, WithFile(lua.LVAsString(e.RawGetInt(1)), f, lua.LVAsBool(e.RawGetInt(3))))
		}
	}
	if lua.LVAsString(t.RawGetString("stdout")) == "frames" {
		opts = append(opts, WithStdout(frameWriter{h, 1}))
	}
	if lua.LVAsString(t.RawGetString("stderr")) == "frames" {
		opts = append(opts, WithStderr(frameWriter{h, 2}))
	}
	return opts, nil
}

// allowOptions are the grants a worker replays.
var allowOptions = map[string]func(...string) Option{
	"AllowRead": AllowRead, "AllowWrite": AllowWrite, "AllowRun": AllowRun,
	"AllowChildEnv": AllowChildEnv, "AllowEnv": AllowEnv,
	"AllowConnect": AllowConnect, "AllowListen": AllowListen,
	"AllowSignals": func(...string) Option { return AllowSignals() },
}

// stub is the worker's stand-in for the host function name: it sends the
// arguments to the host and returns what the host's function returned,
// or raises what it raised.
func (h *host) stub(name string) lua.LGFunction {
	return func(L *lua.LState) int {
		args := make([]lua.LValue, L.GetTop())
		for i := range args {
			args[i] = L.Get(i + 1)
		}
		if err := h.send(msgCallHost, name, args); err != nil {
			L.RaiseError("%s: %s", name, err)
		}
		f, err := isolate.ReadFrame(h.r)
		for err == nil && f.Type != msgReply {
			if f.Type == msgQuit { // the host closes the runtime
				h.quitting = true
				L.RaiseError("%s: the runtime is closing", name)
			}
			f, err = isolate.ReadFrame(h.r)
		}
		if err != nil {
			L.RaiseError("%s: the host is gone", name)
		}
		vs, err := isolate.NewDecoder(f.Payload).Values(L)
		if err != nil || len(vs) == 0 {
			L.RaiseError("%s: bad reply from the host", name)
		}
		if !lua.LVAsBool(vs[0]) {
			msg := ""
			if len(vs) > 1 {
				msg = lua.LVAsString(vs[1])
			}
			L.RaiseError("%s", msg)
		}
		for _, v := range vs[1:] {
			L.Push(v)
		}
		return len(vs) - 1
	}
}

// limitWorker applies the kernel's limits to the worker itself, before
// any script runs: lowered hard limits cannot be raised again.
func limitWorker(t *lua.LTable) error {
	n := func(key string) float64 { return float64(lua.LVAsNumber(t.RawGetString(key))) }
	if m := n("maxMemory"); m > 0 {
		debug.SetMemoryLimit(int64(m))
		if err := inherit.LimitMemory(uint64(m)); err != nil {
			return fmt.Errorf("runtime: WithIsolation: MaxMemory: %w", err)
		}
	}
	if s := n("cpuTime"); s > 0 {
		secs := uint64(s)
		if float64(secs) < s {
			secs++
		}
		// SIGXCPU at the limit: the worker says why it ends, and the host
		// gets a CPUTime LimitError (limitReached); the kernel's SIGKILL
		// one second later is for a worker that cannot say it.
		xcpu := make(chan os.Signal, 1)
		signal.Notify(xcpu, syscall.SIGXCPU)
		go func() {
			<-xcpu
			fmt.Fprintln(os.Stderr, cpuLimitCrash)
			os.Exit(2)
		}()
		if err := inherit.LimitSelfSoft(unix.RLIMIT_CPU, secs, secs+1); err != nil {
			return fmt.Errorf("runtime: WithIsolation: CPUTime: %w", err)
		}
	}
	if d := n("maxDescriptors"); d > 0 {
		if err := inherit.LimitSelf(unix.RLIMIT_NOFILE, uint64(d)); err != nil {
			return fmt.Errorf("runtime: WithIsolation: MaxDescriptors: %w", err)
		}
	}
	if p := n("maxProcesses"); p > 0 {
		if err := inherit.LimitSelf(unix.RLIMIT_NPROC, uint64(p)); err != nil {
			return fmt.Errorf("runtime: WithIsolation: MaxProcesses: %w", err)
		}
	}
	return nil
}
