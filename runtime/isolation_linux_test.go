package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// TestMain lets the test binary be an isolated runtime's worker.
func TestMain(m *testing.M) {
	ServeIsolated()
	os.Exit(m.Run())
}

func isolatedRuntime(t testing.TB, iso Isolation, opts ...Option) *Runtime {
	t.Helper()
	r, err := New(append([]Option{WithIsolation(iso)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestIsolatedRunsAndCarriesValues(t *testing.T) {
	var out, errb bytes.Buffer
	echo := func(L *lua.LState) int {
		n := L.GetTop()
		for i := 1; i <= n; i++ {
			L.Push(L.Get(i))
		}
		return n
	}
	r := isolatedRuntime(t, Isolation{}, WithStdout(&out), WithStderr(&errb), WithFunc("echo", echo),
		WithFunc("fail", func(L *lua.LState) int { L.RaiseError("host says no"); return 0 }))
	err := r.DoString(context.Background(), `
		local t = echo({1, "two", {three = 3, nested = {true, false}}}, 2.5, nil, "s")
		assert(t[1] == 1 and t[2] == "two" and t[3].three == 3 and t[3].nested[1] == true and t[3].nested[2] == false)
		local a, b, c, d = echo(1, 2.5, nil, "s")
		assert(b == 2.5 and c == nil and d == "s")
		local ok, msg = pcall(fail)
		assert(not ok and msg:find("host says no"), msg)
		local ok2, msg2 = pcall(echo, print)
		assert(not ok2 and msg2:find("cannot be passed"), msg2)
		print("hello from the worker")
		io.stderr:write("to stderr\n")
		function add(x, y) return x + y, {sum = x + y} end
	`, "t")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello from the worker\n" || errb.String() != "to stderr\n" {
		t.Fatalf("stdout %q stderr %q", out.String(), errb.String())
	}
	res, err := r.CallGlobal(context.Background(), "add", lua.LNumber(2), lua.LNumber(3))
	if err != nil || len(res) != 2 || res[0] != lua.LNumber(5) {
		t.Fatalf("CallGlobal: %v %v", res, err)
	}
	if tb, ok := res[1].(*lua.LTable); !ok || tb.RawGetString("sum") != lua.LNumber(5) {
		t.Fatalf("table result %v", res[1])
	}
	err = r.DoString(context.Background(), `error({code = 7})`, "t")
	var le *Error
	if !errors.As(err, &le) {
		t.Fatalf("error: %v", err)
	}
	if tb, ok := le.Value.(*lua.LTable); !ok || tb.RawGetString("code") != lua.LNumber(7) {
		t.Fatalf("error value %v", le.Value)
	}
	var exit *ExitError
	if err := r.DoString(context.Background(), `os.exit(3)`, "t"); !errors.As(err, &exit) || exit.Code != 3 {
		t.Fatalf("os.exit: %v", err)
	}
}

func TestIsolatedKeepsThePolicy(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/in", []byte("granted"), 0o644)
	r := isolatedRuntime(t, Isolation{}, AllowRead(dir))
	err := r.DoString(context.Background(), `
		assert(io.open("/etc/passwd") == nil, "read outside the grant")
		assert(io.open("`+dir+`/in"):read("*a") == "granted")
		local p, msg = require("subprocess").Popen({"/bin/true"})
		assert(p == nil, "ran a program with no AllowRun")
	`, "t")
	if err != nil {
		t.Fatal(err)
	}
}

func TestIsolatedBombEndsTheWorkerOnly(t *testing.T) {
	var crash bytes.Buffer
	r := isolatedRuntime(t, Isolation{MaxMemory: 256 << 20}, WithStderr(&crash))
	err := r.DoString(context.Background(), `local t = {} while true do t[#t+1] = string.rep("x", 1e6) .. #t end`, "bomb")
	if !errors.Is(err, ErrWorker) {
		t.Fatalf("bomb: %v", err)
	}
	var lim *LimitError
	if !raceEnabled && (!errors.As(err, &lim) || lim.Limit != "MaxMemory" || lim.Value != 256<<20) {
		t.Fatalf("bomb: %v does not unwrap to the MaxMemory LimitError (%#v)", err, lim)
	}
	t.Log(err)
	if err := r.DoString(context.Background(), `return 1`, "after"); !errors.Is(err, ErrWorker) {
		t.Fatalf("after the worker ended: %v", err)
	}
	// The host and its other runtimes go on.
	other := isolatedRuntime(t, Isolation{})
	if err := other.DoString(context.Background(), `assert(1 + 1 == 2)`, "t"); err != nil {
		t.Fatal(err)
	}
	plain, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.DoString(context.Background(), `assert(("x"):rep(10) == "xxxxxxxxxx")`, "t"); err != nil {
		t.Fatal(err)
	}
}

func TestIsolatedCancel(t *testing.T) {
	r := isolatedRuntime(t, Isolation{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := r.DoString(ctx, `while true do end`, "spin")
	if err == nil || !strings.Contains(err.Error(), "interrupted") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("spin: %v", err)
	}
	// The chunk was cancelled in the worker, which goes on.
	if err := r.DoString(context.Background(), `x = 1`, "t"); err != nil {
		t.Fatalf("after cancel: %v", err)
	}

	// A worker that cannot answer (stopped) is killed.
	syscall.Kill(r.iso.proc.Pid, syscall.SIGSTOP)
	waitStopped(t, r.iso.proc.Pid) // a signal is delivered when the target next runs
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel2)
	start := time.Now()
	err = r.DoString(ctx2, `x = 2`, "t")
	took := time.Since(start)
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped worker: %v", err)
	}
	if took > 50*time.Millisecond+2*time.Second {
		t.Fatalf("cancel of a stopped worker took %v", took)
	}
	t.Logf("cancel of a stopped worker: %v after the cancel", took-50*time.Millisecond)
}

// TestIsolatedCancelFromAHostFunction: a host function that cancels its
// call's context, then returns, lets the chunk run on into Lua code that
// never calls out; the cancellation still reaches it (over the worker's
// cancel socket), within cancelWait, and the worker goes on.
func TestIsolatedCancelFromAHostFunction(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := isolatedRuntime(t, Isolation{}, WithFunc("stop", func(L *lua.LState) int { cancel(); return 0 }))
	start := time.Now()
	err := r.DoString(ctx, `stop() while true do end`, "spin")
	if err == nil || !strings.Contains(err.Error(), "interrupted") || !errors.Is(err, context.Canceled) {
		t.Fatalf("spin after stop(): %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the cancel took %v", took)
	}
	res, err := r.CallGlobal(context.Background(), "tostring", lua.LNumber(42))
	if err != nil || len(res) != 1 || res[0].String() != "42" {
		t.Fatalf("after the cancel: %v %v", res, err)
	}
}

// TestIsolatedCloseStopsARunningChunk: Close, while another goroutine's
// chunk runs Lua code that never calls out, cancels it in the worker and
// ends the worker, well before the kill after the grace period.
func TestIsolatedCloseStopsARunningChunk(t *testing.T) {
	r, err := New(WithIsolation(Isolation{}), WithGracePeriod(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.DoString(context.Background(), `while true do end`, "spin") }()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	r.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the chunk ended without an error")
		}
	case <-time.After(4 * time.Second):
		t.Fatal("the chunk still runs 4 s after Close")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Close took %v", took)
	}
}

// TestIsolatedCloseWithAStuckHostFunction: Close returns, with an error
// and the worker killed, while a host function the worker called has not
// returned.
func TestIsolatedCloseWithAStuckHostFunction(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	called := make(chan struct{})
	r, err := New(WithIsolation(Isolation{}), WithGracePeriod(10*time.Millisecond),
		WithFunc("hang", func(L *lua.LState) int { close(called); <-release; return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	go r.DoString(context.Background(), `hang()`, "hang")
	<-called
	pid := r.iso.proc.Pid
	start := time.Now()
	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	select {
	case err := <-closed:
		if err == nil || !strings.Contains(err.Error(), "has not returned") {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits 10 s later")
	}
	t.Logf("Close took %v", time.Since(start))
	// Dead, a zombie until the reader reaps it once the function returns.
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if i := bytes.LastIndexByte(stat, ')'); err == nil && (i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z') {
		t.Errorf("the worker %d still runs: %s", pid, stat)
	}
}

func TestIsolatedLimitsInTheKernel(t *testing.T) {
	r := isolatedRuntime(t, Isolation{MaxDescriptors: 64, CPUTime: 2 * time.Second, MaxProcesses: 500})
	b, err := os.ReadFile("/proc/" + itoa(r.iso.proc.Pid) + "/limits")
	if err != nil {
		t.Skip("no /proc limits:", err)
	}
	for _, want := range []string{`Max open files\s+64\s+64`, `Max cpu time\s+2\s+3`, `Max processes\s+500\s+500`} {
		if !regexpMatch(want, string(b)) {
			t.Errorf("worker limits lack %q:\n%s", want, b)
		}
	}
	err = r.DoString(context.Background(), `
		local fds = {}
		for i = 1, 100 do
			local r, w = os.pipe()
			if not r then assert(w:find("too many open files"), w) return end
			fds[#fds+1] = r
		end
		error("100 pipes under a limit of 64")
	`, "t")
	if err != nil {
		t.Fatal(err)
	}
}

func TestIsolatedKeepsLayerOneLimits(t *testing.T) {
	r := isolatedRuntime(t, Isolation{}, WithInstructionLimit(100000), WithMaxDescriptors(20))
	err := r.DoString(context.Background(), `while true do end`, "spin")
	if err == nil || !strings.Contains(err.Error(), "InstructionLimit") {
		t.Fatalf("instruction limit in the worker: %v", err)
	}
	// The limit crosses whole, as errors.As finds it in-process.
	var lim *LimitError
	if !errors.As(err, &lim) || lim.Limit != "InstructionLimit" || lim.Value != 100000 || lim.Used <= 100000 {
		t.Fatalf("instruction limit: %v does not unwrap to its LimitError (%#v)", err, lim)
	}
	var e *Error
	if !errors.As(err, &e) || e.Message != err.Error() {
		t.Fatalf("instruction limit: %T %v is not a *runtime.Error", err, err)
	}
	// The worker goes on, and a limit that refuses one call is still an
	// errno for the script.
	err = r.DoString(context.Background(), `
		local fds = {}
		while true do
			local r, w, errno = os.pipe()
			if not r then assert(errno == 24 and w:find("MaxDescriptors"), w) return end
			fds[#fds+1] = r
		end`, "fds")
	if err != nil {
		t.Fatalf("descriptor limit in the worker: %v", err)
	}
}

func TestIsolatedCPUTimeIsALimitError(t *testing.T) {
	r := isolatedRuntime(t, Isolation{CPUTime: time.Second})
	err := r.DoString(context.Background(), `while true do end`, "spin")
	var lim *LimitError
	if !errors.Is(err, ErrWorker) || !errors.As(err, &lim) || lim.Limit != "CPUTime" || lim.Value != int64(time.Second) {
		t.Fatalf("spin under RLIMIT_CPU: %v (%#v)", err, lim)
	}
	t.Log(err)
}

func TestIsolationRefusesWhatCannotCross(t *testing.T) {
	if _, err := New(WithIsolation(Isolation{}), WithModule("m", func(L *lua.LState) int { return 0 })); err == nil {
		t.Fatal("WithModule accepted")
	}
	if _, err := New(WithIsolation(Isolation{Worker: "/bin/true"})); err == nil || !strings.Contains(err.Error(), "ServeIsolated") {
		t.Fatalf("a program that is not a worker: %v", err)
	}
}

func BenchmarkIsolatedStart(b *testing.B) {
	for _, c := range []struct {
		name string
		iso  Isolation
	}{
		{"plain", Isolation{}},
		{"cgroup", Isolation{Cgroup: true, MaxMemory: 256 << 20, MaxProcesses: 100}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r, err := New(WithIsolation(c.iso))
				if err != nil {
					if c.iso.Cgroup {
						b.Skip(err)
					}
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

func BenchmarkIsolatedFuncRoundTrip(b *testing.B) {
	r := isolatedRuntime(b, Isolation{}, WithFunc("f", func(L *lua.LState) int { L.Push(L.Get(1)); return 1 }))
	if err := r.DoString(context.Background(), `function loop(n) for i = 1, n do f("x") end end`, "b"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := r.CallGlobal(context.Background(), "loop", lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func regexpMatch(pat, s string) bool { return regexp.MustCompile(pat).MatchString(s) }

// waitStopped waits until process pid is stopped (state T in
// /proc/pid/stat), for at most 5 s.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		// pid (comm) state ...: comm may hold spaces and parentheses.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'T' {
			return
		}
	}
	t.Fatalf("process %d did not stop", pid)
}

// cgroupRuntime is an isolated runtime in a control group, or a skip
// where this machine lets the host make none.
func cgroupRuntime(t *testing.T, iso Isolation, opts ...Option) *Runtime {
	t.Helper()
	iso.Cgroup = true
	r, err := New(append([]Option{WithIsolation(iso)}, opts...)...)
	if err != nil {
		if strings.Contains(err.Error(), "cgroup") {
			t.Skipf("no control group here: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// lookPath is the absolute path of a program, as AllowRun wants it.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skip(err)
	}
	return p
}

// reported is a WithFunc("report", ...) that keeps what the script
// reports, as strings.
func reported() (Option, *[]string) {
	var got []string
	return WithFunc("report", func(L *lua.LState) int {
		for i := 1; i <= L.GetTop(); i++ {
			got = append(got, L.ToStringMeta(L.Get(i)).String())
		}
		return 0
	}), &got
}

// TestIsolatedCgroupBoundsTheTree: MaxProcesses bounds the processes the
// plugin starts through the group's pids.max, for root too, where
// RLIMIT_NPROC does not hold.
func TestIsolatedCgroupBoundsTheTree(t *testing.T) {
	sleep := lookPath(t, "sleep")
	script := `
		local subprocess = require("subprocess")
		local started, procs = 0, {}
		for i = 1, 60 do
			local p, err = subprocess.Popen({"` + sleep + `", "30"})
			if not p then report(started, err) return end
			started, procs[#procs+1] = started + 1, p
		end
		report(started)`
	count := func(iso Isolation, newRuntime func(*testing.T, Isolation, ...Option) *Runtime) (int, string) {
		opt, got := reported()
		r := newRuntime(t, iso, AllowRun(sleep), opt, WithGracePeriod(100*time.Millisecond))
		if err := r.DoString(context.Background(), script, "spawn"); err != nil {
			t.Fatal(err)
		}
		r.Close()
		n, _ := strconv.Atoi((*got)[0])
		msg := ""
		if len(*got) > 1 {
			msg = (*got)[1]
		}
		return n, msg
	}
	plain := func(t *testing.T, iso Isolation, opts ...Option) *Runtime { return isolatedRuntime(t, iso, opts...) }
	if os.Geteuid() == 0 {
		// The control: without the group, RLIMIT_NPROC does not bound root.
		if n, msg := count(Isolation{MaxProcesses: 40}, plain); n != 60 {
			t.Fatalf("root without a group started %d of 60 (%s)", n, msg)
		}
	}
	n, msg := count(Isolation{MaxProcesses: 40}, cgroupRuntime)
	if n >= 40 || !strings.Contains(strings.ToLower(msg), "resource temporarily unavailable") {
		t.Fatalf("in a group of 40 tasks the plugin started %d of 60 (%q)", n, msg)
	}
	t.Logf("started %d sleeps beside the worker's threads, then: %s", n, msg)
}
