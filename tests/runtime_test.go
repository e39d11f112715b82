//go:build linux

package tests

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// openFds returns the number of open descriptors of the process.
func openFds(t *testing.T) int { return fdtest.OpenCount(t) }

// checkNoneLeft fails t if a descriptor is open now that was not open in
// before (taken by fdtest.Open), naming each one.
func checkNoneLeft(t *testing.T, before map[int]string, when string) {
	t.Helper()
	if left := fdtest.Opened(t, before); len(left) > 0 {
		t.Errorf("left open %s: %s", when, strings.Join(left, ", "))
	}
}

// TestEMFILE lowers the descriptor limit, lets a script run into it, and
// checks the error and that the runtime works again once it has closed
// what it opened.
func TestEMFILE(t *testing.T) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = uint64(openFds(t) + 40)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	out, err := runLua(t, "testdata/emfile.lua", runtime.Unrestricted())
	if err != nil {
		t.Fatalf("%s\n%s", describe(err), out)
	}
}

// TestCloseReleases checks that Close closes every descriptor a script
// left open, files, pipes and ptys, and reaps the children it left.
func TestCloseReleases(t *testing.T) {
	open := fdtest.Open(t)
	before := len(open)
	dir := t.TempDir()
	r, err := runtime.New(runtime.WithGracePeriod(100*time.Millisecond),
		runtime.AllowWrite(dir), runtime.AllowRead("/dev"), runtime.AllowRun("/bin/sh"))
	if err != nil {
		t.Fatal(err)
	}
	err = r.DoString(context.Background(), `
		leak = {}
		leak.f = io.open("`+dir+`/x", "w")
		leak.f:write("unflushed")
		leak.fd = os.open("/dev/null", "r")
		leak.r, leak.w = os.pipe()
		leak.m, leak.s = os.openpty()
		leak.d = os.dup(leak.fd)
		leak.t = io.tmpfile()
		leak.p = io.popen("exec sleep 30")
		return leak
	`, "leak")
	if err != nil {
		t.Fatal(describe(err))
	}
	if got := openFds(t); got < before+9 {
		t.Fatalf("open descriptors: %d before, %d after the script; want at least 9 more", before, got)
	}
	start := time.Now()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("Close took %v: the child was not killed", time.Since(start))
	}
	checkNoneLeft(t, open, "after Close")
	if data, err := os.ReadFile(dir + "/x"); err != nil || string(data) != "unflushed" {
		t.Fatalf("the file left open holds %q, %v; Close must flush it", data, err)
	}
	if z := zombies(t); z != 0 {
		t.Fatalf("%d zombie children after Close", z)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// zombies counts this process's children that are zombies.
func zombies(t *testing.T) int { return fdtest.Zombies(t) }

// TestErrorsKeepIdentity checks the Go side of a script's errors.
func TestErrorsKeepIdentity(t *testing.T) {
	r, err := runtime.New()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	err = r.DoString(ctx, `error("boom")`, "chunk")
	var lerr *runtime.Error
	if !errors.As(err, &lerr) || lerr.Message != "chunk:1: boom" || !strings.Contains(lerr.Traceback, "stack traceback") {
		t.Fatalf("DoString error = %#v", err)
	}
	err = r.DoString(ctx, `os.exit(3)`, "exit")
	var exit *runtime.ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Fatalf("os.exit error = %v; want *ExitError with code 3", err)
	}
	// os.exit cannot be caught by pcall.
	err = r.DoString(ctx, `pcall(os.exit, 4) error("not reached")`, "exit")
	if !errors.As(err, &exit) || exit.Code != 4 {
		t.Fatalf("pcall(os.exit) error = %v; want *ExitError with code 4", err)
	}
	// The runtime still works afterwards.
	if err := r.DoString(ctx, `x = 1`, "after"); err != nil {
		t.Fatalf("after exit: %v", err)
	}
	err = r.DoString(ctx, `x = `, "syntax")
	if !errors.As(err, &lerr) || !strings.Contains(lerr.Message, "syntax") {
		t.Fatalf("syntax error = %v", err)
	}
}

// cancelCases are chunks that block in each way a script can; blocking
// ones record in BLOCKED what they wait on, for the latency check.
var cancelCases = map[string]string{
	"os.read on a pipe":       `local r, w = os.pipe() os.read(r, 1)`,
	"io.read on a pipe":       `local r, w = os.pipe() os.fdopen(r):read("*l")`,
	"os.write to a full pipe": `local r, w = os.pipe() local s = string.rep("x", 65536) while true do os.write(w, s) end`,
	"os.execute":              `os.execute("exec sleep 30")`,
	"io.popen close":          `local p = io.popen("exec sleep 30") p:close()`,
	"proc:wait":               `require("subprocess").Popen({"/bin/sleep", "30"}):wait()`,
	"proc:communicate":        `local sp = require("subprocess") sp.Popen({"/bin/sleep", "30"}, {stdout = sp.PIPE}):communicate()`,
	"subprocess.run":          `require("subprocess").run({"/bin/sleep", "30"})`,
	"sock:accept":             `local s = require("socket").create_server("127.0.0.1", 0) s:accept()`,
	"sock:recv":               `local a, b = require("socket").socketpair() a:recv(10)`,
	"busy Lua loop":           `while true do end`,
	"time.sleep":              `require("time").sleep(30)`,
	"pcall around a block":    `while true do pcall(function() local r, w = os.pipe() os.read(r, 1) end) end`,
}

// TestCancel cancels a chunk blocked in each way, and measures how long
// the runtime takes to return: the goal is 100 ms; the test fails only
// past a second, so as not to be a timed test on a noisy machine. The
// children a cancelled chunk started are killed.
func TestCancel(t *testing.T) {
	for name, code := range cancelCases {
		t.Run(name, func(t *testing.T) {
			r, err := runtime.New(runtime.WithGracePeriod(0), runtime.AllowRun("/bin/sh", "/bin/sleep"),
				runtime.AllowListen("127.0.0.1:*"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ctx, cancel := context.WithCancel(context.Background())
			var cancelled time.Time
			time.AfterFunc(100*time.Millisecond, func() {
				cancelled = time.Now()
				cancel()
			})
			err = r.DoString(ctx, code, name)
			latency := time.Since(cancelled)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			t.Logf("returned %v after the cancel", latency.Round(time.Microsecond))
			if latency > time.Second {
				t.Errorf("took %v to stop after the cancel", latency)
			}
			if z := zombies(t); z != 0 {
				t.Errorf("%d zombies after the cancel", z)
			}
			if err := r.DoString(context.Background(), `assert(1 + 1 == 2)`, "after"); err != nil {
				t.Fatalf("after cancel: %v", err)
			}
		})
	}
}

// TestCancelKillsChildren checks that the children a cancelled chunk
// started are killed, unless LeaveChildrenOnCancel, and that children of
// earlier chunks are left alone either way.
func TestCancelKillsChildren(t *testing.T) {
	for _, leave := range []bool{false, true} {
		opts := []runtime.Option{runtime.AllowRun("/bin/sleep"), runtime.WithGracePeriod(0)}
		if leave {
			opts = append(opts, runtime.LeaveChildrenOnCancel())
		}
		r, err := runtime.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		sp := `sp = require("subprocess")`
		if err := r.DoString(context.Background(), sp+` early = sp.Popen({"/bin/sleep", "30"})`, "early"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		r.DoString(ctx, `late = sp.Popen({"/bin/sleep", "30"}) late:wait()`, "late")
		cancel()
		r.LState().SetGlobal("LEAVE", lua.LBool(leave))
		if err := r.DoString(context.Background(), `
			assert(early:poll() == nil, "a child of an earlier chunk is left alone")
			local rc = late:poll()
			if LEAVE then assert(rc == nil, "left running") else assert(rc == -9, "killed: " .. tostring(rc)) end
		`, "check"); err != nil {
			t.Errorf("leave=%v: %s", leave, describe(err))
		}
		r.Close()
	}
}

// TestSpawnRoutesUseHostStreams runs a child through every route that
// starts one, in a runtime whose standard streams are Go values, and
// checks that each child reads the host's reader and writes to the host's
// writers: none may reach the process's own descriptors 0, 1 and 2.
func TestSpawnRoutesUseHostStreams(t *testing.T) {
	const sh = `"echo out; echo err >&2; cat"`
	cases := []struct {
		name, code, stdout, stderr string
	}{
		{"os.execute", `os.execute(` + sh + `)`, "out\nin\n", "err\n"},
		{"io.popen r", `local f = io.popen(` + sh + `) io.write("[", f:read("*a"), "]") f:close()`, "[out\nin\n]", "err\n"},
		{"io.popen w", `local f = io.popen(` + sh + `, "w") f:write("w\n") f:close()`, "out\nw\n", "err\n"},
		{"subprocess.run", `sp.run({"sh", "-c", ` + sh + `})`, "out\nin\n", "err\n"},
		{"subprocess.Popen", `sp.Popen({"sh", "-c", ` + sh + `}):wait()`, "out\nin\n", "err\n"},
		{"subprocess.call", `sp.call(` + sh + `, {shell = true})`, "out\nin\n", "err\n"},
		{"subprocess.pipeline", `sp.pipeline({{"sh", "-c", ` + sh + `}, {"sh", "-c", "cat; echo err2 >&2"}})`, "out\nin\n", "err\nerr2\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdin(strings.NewReader("in\n")),
				runtime.WithStdout(&stdout), runtime.WithStderr(&stderr))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if err := r.DoString(context.Background(), `sp = require("subprocess") `+c.code, c.name); err != nil {
				t.Fatal(describe(err))
			}
			if got := stdout.String(); got != c.stdout {
				t.Errorf("stdout = %q; want %q", got, c.stdout)
			}
			// Stages of a pipeline write to standard error at once.
			if got := sortedLines(stderr.String()); got != sortedLines(c.stderr) {
				t.Errorf("stderr = %q; want %q", stderr.String(), c.stderr)
			}
		})
	}
}

// sortedLines returns the lines of s, sorted.
func sortedLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// cancelWriteOpenCases block in a write that does not fit in a pipe, or in
// an open (or a read) of a FIFO that has no peer: each must end at the
// deadline. FIFO names a FIFO nobody opens; SILENT a FIFO that the test
// holds open for writing and never writes to.
var cancelWriteOpenCases = []struct{ name, code string }{
	{"os.write of 65537 bytes to a pipe", `local r, w = os.pipe() os.write(w, ("x"):rep(65537))`},
	{"f:write to a pipe", `local r, w = os.pipe() os.fdopen(w, "w"):write(("x"):rep(65537))`},
	{"f:flush to a pipe", `local r, w = os.pipe() local f = os.fdopen(w, "w") f:setvbuf("full", 1e6) f:write(("x"):rep(200000)) f:flush()`},
	{"p.stdin:write of 1 MB", `local sp = require("subprocess") sp.Popen({"/bin/sleep", "30"}, {stdin = sp.PIPE}).stdin:write(("x"):rep(1e6))`},
	{"socket sendall", `local a, b = require("socket").socketpair() a:sendall(("x"):rep(1e7))`},
	{"io.open of a FIFO to read", `io.open(FIFO)`},
	{"io.open of a FIFO to write", `io.open(FIFO, "w")`},
	{"os.open of a FIFO to read", `os.open(FIFO, "r")`},
	{"os.open of a FIFO to write", `os.open(FIFO, "w")`},
	{"io.lines of a FIFO", `io.lines(FIFO)`},
	{"dofile of a FIFO", `dofile(FIFO)`},
	{"loadfile of a FIFO", `loadfile(FIFO)`},
	{"require of a FIFO", `package.path = DIR .. "/?" require("fifo")`},
	{"dofile of a FIFO whose writer is silent", `dofile(SILENT)`},
	{"io.open of a FIFO whose writer is silent, then read", `io.open(SILENT):read("*a")`},
}

// TestCancelStringLibrary runs string functions that take minutes (a
// backtracking pattern) or took them (gsub was quadratic) with a deadline:
// each ends at it, and gsub over 300,000 characters just finishes.
func TestCancelStringLibrary(t *testing.T) {
	for _, code := range []string{
		`string.find(("a"):rep(150), ".-.-.-.-b")`,
		`string.match(("a"):rep(150), ".-.-.-.-b")`,
		`for m in string.gmatch(("a"):rep(150), ".-.-.-.-b") do end`,
		`string.gsub(("a"):rep(150), ".-.-.-.-b", "")`,
		`string.gsub(("a"):rep(150), "(.-.-.-.-b)", "%1")`,
		`while true do string.gsub(("x"):rep(3e5), ".", "yy") end`,
	} {
		r, err := runtime.New()
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(200 * time.Millisecond)
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		done := make(chan error, 1)
		go func() { done <- r.DoString(ctx, code, "string") }()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still running 10 s after the deadline", code)
		}
		late := time.Since(deadline)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v; want context.DeadlineExceeded", code, err)
		}
		t.Logf("%s: returned %v after the deadline", code, late.Round(time.Microsecond))
		if late > time.Second {
			t.Errorf("%s: took %v to stop after the deadline", code, late)
		}
		r.Close()
	}
}

// TestCancelWritesAndOpens runs each of cancelWriteOpenCases with a
// deadline, and measures how long past it the runtime returns: the goal
// is 10 ms; the test fails past a second, so as not to be a timed test.
// Nothing is left open afterwards.
func TestCancelWritesAndOpens(t *testing.T) {
	dir := t.TempDir()
	fifo, silent := dir+"/fifo", dir+"/silent"
	for _, p := range []string{fifo, silent} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writer, err := os.OpenFile(silent, os.O_RDWR, 0) // never blocks on a FIFO
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	for _, c := range cancelWriteOpenCases {
		t.Run(c.name, func(t *testing.T) {
			before := fdtest.Open(t)
			r, err := runtime.New(runtime.WithGracePeriod(0), runtime.AllowRead(dir), runtime.AllowWrite(dir),
				runtime.AllowRun("/bin/sleep"))
			if err != nil {
				t.Fatal(err)
			}
			L := r.LState()
			L.SetGlobal("DIR", lua.LString(dir))
			L.SetGlobal("FIFO", lua.LString(fifo))
			L.SetGlobal("SILENT", lua.LString(silent))
			deadline := time.Now().Add(200 * time.Millisecond)
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- r.DoString(ctx, c.code, c.name) }()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("still blocked 10 s after the deadline")
			}
			late := time.Since(deadline)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v; want context.DeadlineExceeded", err)
			}
			t.Logf("returned %v after the deadline", late.Round(time.Microsecond))
			if late > time.Second {
				t.Errorf("took %v to stop after the deadline", late)
			}
			if err := r.DoString(context.Background(), `assert(1 + 1 == 2)`, "after"); err != nil {
				t.Fatalf("after the deadline: %v", err)
			}
			r.Close()
			checkNoneLeft(t, before, "after Close")
		})
	}
}

// TestFIFOOpensAsBlocking checks that the interruptible opens of a FIFO
// keep the meaning of a blocking open: a read open returns once a writer
// has come (whether it writes, waits or has gone), a write open once a
// reader has, so that two processes opening two FIFOs in turn do not
// deadlock; and that the descriptors end up as blocking as asked.
func TestFIFOOpensAsBlocking(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		if err := syscall.Mkfifo(dir+"/"+name, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(dir+"/file", []byte("file"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := runtime.New(runtime.AllowWrite(dir), runtime.AllowRun("/bin/sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("DIR", lua.LString(dir))
	ctx, cancel := context.WithCancel(context.Background()) // an interruptible runtime
	defer cancel()
	run := func(code string) {
		t.Helper()
		if err := r.DoString(ctx, code, "fifo"); err != nil {
			t.Fatal(describe(err))
		}
	}
	// A writer that comes late, one that writes and goes, one that waits.
	for _, peer := range []string{
		"sleep 0.1; echo late > a",
		"echo quick > a",
		"exec 3>a; sleep 0.2; echo slow >&3",
	} {
		r.LState().SetGlobal("PEER", lua.LString(peer))
		run(`local p = io.popen("cd " .. DIR .. " && " .. PEER, "w")
			local f = assert(io.open(DIR .. "/a"))
			WANT = PEER:match("echo (%a+)") .. "\n"
			local got = f:read("*a") f:close() p:close()
			assert(got == WANT, PEER .. ": " .. got)`)
	}
	// A reader that comes late.
	run(`local p = io.popen("sleep 0.1; cat " .. DIR .. "/a > " .. DIR .. "/out")
		local f = assert(io.open(DIR .. "/a", "w")) f:write("to the reader") f:close()
		p:read("*a") p:close()
		assert(io.open(DIR .. "/out"):read("*a") == "to the reader")`)
	// Two FIFOs opened in the same order on both sides, written in the
	// other: a blocking open pairs each with its peer at once.
	run(`local p = io.popen("cd " .. DIR .. " && exec 3>a 4>b; echo B >&4; echo A >&3")
		local a = assert(io.open(DIR .. "/a")) local b = assert(io.open(DIR .. "/b"))
		assert(b:read("*l") == "B") assert(a:read("*l") == "A") p:close()`)
	// Asked for, O_NONBLOCK is kept: the open returns at once.
	run(`FD = assert(os.open(DIR .. "/a", os.O_RDONLY + os.O_NONBLOCK))
		FILE = assert(os.open(DIR .. "/file", "r"))`)
	for name, nonblock := range map[string]bool{"FD": true, "FILE": false} {
		fd := int(r.LState().GetGlobal(name).(lua.LNumber))
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := flags&unix.O_NONBLOCK != 0; got != nonblock {
			t.Errorf("%s: O_NONBLOCK is %v; want %v", name, got, nonblock)
		}
	}
}

// TestCloseDuringChunk closes a runtime from another goroutine while a
// chunk runs in it, in each way a chunk can be busy: Close cancels the
// chunk, waits for it to unwind, then releases everything; the chunk
// returns an error that unwraps to runtime.ErrClosed, and later calls
// get ErrClosed. Run under -race, it also proves that no state is shared
// unsynchronised.
func TestCloseDuringChunk(t *testing.T) {
	cases := map[string]string{
		"busy Lua loop":        `while true do end`,
		"blocked read":         `local r, w = os.pipe() os.read(r, 1)`,
		"blocked write":        `local r, w = os.pipe() os.write(w, ("x"):rep(1e6))`,
		"waiting for a child":  `require("subprocess").run({"/bin/sleep", "30"})`,
		"files left open":      `f = io.open(DIR .. "/f", "w") f:write("buffered") while true do end`,
		"pcall around a block": `while true do pcall(function() local r, w = os.pipe() os.read(r, 1) end) end`,
	}
	dir := t.TempDir()
	for name, code := range cases {
		t.Run(name, func(t *testing.T) {
			before := fdtest.Open(t)
			r, err := runtime.New(runtime.WithGracePeriod(0), runtime.AllowRun("/bin/sleep"), runtime.AllowWrite(dir))
			if err != nil {
				t.Fatal(err)
			}
			r.LState().SetGlobal("DIR", lua.LString(dir))
			done := make(chan error, 1)
			go func() { done <- r.DoString(context.Background(), code, name) }()
			time.Sleep(50 * time.Millisecond)
			start := time.Now()
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			t.Logf("Close took %v", time.Since(start).Round(time.Microsecond))
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the chunk is still running 10 s after Close returned")
			}
			if !errors.Is(err, runtime.ErrClosed) {
				t.Errorf("the chunk returned %v; want an error that unwraps to ErrClosed", err)
			}
			if err := r.DoString(context.Background(), `x = 1`, "after"); !errors.Is(err, runtime.ErrClosed) {
				t.Errorf("DoString after Close: %v; want ErrClosed", err)
			}
			if _, err := r.CallGlobal(context.Background(), "print"); !errors.Is(err, runtime.ErrClosed) {
				t.Errorf("CallGlobal after Close: %v; want ErrClosed", err)
			}
			checkNoneLeft(t, before, "after Close")
			if z := zombies(t); z != 0 {
				t.Errorf("%d zombies after Close", z)
			}
		})
	}
	if data, err := os.ReadFile(dir + "/f"); err != nil || string(data) != "buffered" {
		t.Errorf("the file left open holds %q, %v; Close must flush it", data, err)
	}
}

// TestCloseAbandonsAStuckChunk closes a runtime whose chunk is in a host
// function that ignores its context: Close gives up after its bound with
// ErrStillRunning, and the chunk releases the runtime when it ends.
func TestCloseAbandonsAStuckChunk(t *testing.T) {
	open := fdtest.Open(t)
	release := make(chan struct{})
	r, err := runtime.New(runtime.WithFunc("stuck", func(L *lua.LState) int {
		<-release
		return 0
	}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.DoString(context.Background(), `local r, w = os.pipe() stuck()`, "stuck") }()
	time.Sleep(50 * time.Millisecond)
	if err := r.Close(); !errors.Is(err, runtime.ErrStillRunning) {
		t.Fatalf("Close = %v; want ErrStillRunning", err)
	}
	if len(fdtest.Opened(t, open)) == 0 {
		t.Fatalf("the runtime was released under a running chunk")
	}
	close(release)
	if err := <-done; !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("the chunk returned %v; want ErrClosed", err)
	}
	checkNoneLeft(t, open, "once the chunk ended")
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestCloseBoundedByAFullPipe closes a runtime whose script left a file
// buffered on a pipe that no one reads: Close writes what fits, gives up
// within its bound, says so, and still releases everything.
func TestCloseBoundedByAFullPipe(t *testing.T) {
	// A blocking pipe (os.Pipe's are non-blocking): the host keeps the
	// read end, and never reads.
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	rd, w := os.NewFile(uintptr(p[0]), "r"), os.NewFile(uintptr(p[1]), "w")
	defer rd.Close()
	defer w.Close()
	before := fdtest.Open(t)
	r, err := runtime.New(runtime.WithFile("pipe", w, true))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.DoString(context.Background(), `
		f = os.fdopen(os.grants.pipe, "w") f:setvbuf("full", 1e6) f:write(("x"):rep(500000))`, "full"); err != nil {
		t.Fatal(describe(err))
	}
	start := time.Now()
	err = r.Close()
	t.Logf("Close took %v: %v", time.Since(start).Round(time.Millisecond), err)
	if err == nil || !strings.Contains(err.Error(), "not written") {
		t.Errorf("Close = %v; want an error saying what was not written", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("Close took %v", time.Since(start))
	}
	checkNoneLeft(t, before, "after Close")
}

// TestCloseWithItsOwnReaderOfAFullPipe: a buffered writer on a full pipe
// whose only reader is the runtime's own descriptor fails at once at
// Close (the reader is closed first), whichever end has the lower number.
// Under concurrent closes pipe2 can give the writer the lower one; Close
// then waited for itself until its bound.
func TestCloseWithItsOwnReaderOfAFullPipe(t *testing.T) {
	r, err := runtime.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.DoString(context.Background(), `
		local a, b = os.pipe()
		local rd, w = os.pipe()
		os.close(a)
		local low = os.dup(w) -- a's number, below rd's
		os.close(w)
		assert(low < rd, "the writer's number is not the lower")
		f = os.fdopen(low, "w") f:setvbuf("full", 1e6) f:write(("x"):rep(200000))`, "full"); err != nil {
		t.Fatal(describe(err))
	}
	start := time.Now()
	err = r.Close()
	took := time.Since(start)
	if err == nil || !errors.Is(err, syscall.EPIPE) || took > time.Second {
		t.Fatalf("Close took %v: %v; want at once, EPIPE", took.Round(time.Millisecond), err)
	}
}

// TestDroppedObjectsAreReleased drops files, sockets and processes
// without closing or waiting for them, and checks that once a collection
// has run they are released: descriptors closed, what was buffered
// written, children reaped; and that a descriptor closed by number and
// reused is not closed by the collection of its old object.
func TestDroppedObjectsAreReleased(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/in", []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := runtime.New(runtime.AllowWrite(dir), runtime.AllowRun("/bin/true", "/bin/sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("DIR", lua.LString(dir))
	run := func(code string) {
		t.Helper()
		if err := r.DoString(context.Background(), code, "drop"); err != nil {
			t.Fatal(describe(err))
		}
	}
	run(`x = 1`) // the runtime's own waker is made by the first chunk
	before := openFds(t)
	run(`local socket, sp = require("socket"), require("subprocess")
		for i = 1, 50 do assert(io.open(DIR .. "/in"):read("*a") == "data") end
		for i = 1, 20 do socket.socket() socket.socketpair() end
		for i = 1, 5 do sp.Popen({"/bin/true"}) sp.Popen({"/bin/true"}, {stdout = sp.PIPE}) io.popen("true") end
		io.open(DIR .. "/out", "w"):write("written by the collection")
		-- closed by number, its number reused: the old object's collection
		-- must leave the new descriptor alone
		local f = io.open(DIR .. "/in") local fd = f:fileno() os.close(fd) f = nil
		kept = assert(os.open(DIR .. "/in", "r"))
		assert(kept == fd, "the number was reused")`)
	if got := openFds(t); got < before+100 {
		t.Fatalf("open descriptors: %d before, %d after the script; the test needs them left open", before, got)
	}
	// The children exit at once; give them a moment, then collect.
	deadline := time.Now().Add(10 * time.Second)
	for {
		time.Sleep(20 * time.Millisecond)
		run(`collectgarbage()`)
		if openFds(t) <= before+1 && zombies(t) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if got := openFds(t); got != before+1 {
		t.Errorf("open descriptors: %d before, %d after a collection; want only the one kept", before, got)
	}
	if z := zombies(t); z != 0 {
		t.Errorf("%d zombies after a collection", z)
	}
	if data, err := os.ReadFile(dir + "/out"); err != nil || string(data) != "written by the collection" {
		t.Errorf("the dropped file holds %q, %v", data, err)
	}
	run(`assert(os.read(kept, 4) == "data", "the reused descriptor still works")`)
}

// TestChunkEndFlushesFiles checks that what a script wrote to a file it
// left open is written out when the chunk ends, and when it calls
// os.exit, as C's exit flushes every stream.
func TestChunkEndFlushesFiles(t *testing.T) {
	dir := t.TempDir()
	r, err := runtime.New(runtime.AllowWrite(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("DIR", lua.LString(dir))
	for name, code := range map[string]string{
		"end":  `f1 = io.open(DIR .. "/end", "w") f1:write("at the end")`,
		"exit": `f2 = io.open(DIR .. "/exit", "w") f2:write("at exit") os.exit(0)`,
	} {
		err := r.DoString(context.Background(), code, name)
		var exit *runtime.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(describe(err))
		}
		if data, err := os.ReadFile(dir + "/" + name); err != nil || len(data) == 0 {
			t.Errorf("%s: the file holds %q, %v, before Close", name, data, err)
		}
	}
}

// TestDroppedFileOnAFullPipe drops a file whose buffer does not fit in
// its pipe: the runtime does not wait for a reader (later chunks run at
// once), and what the file buffered is written as the reader makes room,
// none of it lost.
func TestDroppedFileOnAFullPipe(t *testing.T) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil { // blocking
		t.Fatal(err)
	}
	rd, w := os.NewFile(uintptr(p[0]), "r"), os.NewFile(uintptr(p[1]), "w")
	defer rd.Close()
	r, err := runtime.New(runtime.WithFile("pipe", w, true))
	w.Close() // the runtime has its own
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	run := func(code string) {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- r.DoString(context.Background(), code, "full") }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(describe(err))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: blocked", code)
		}
	}
	const size = 300000
	run(`local f = os.fdopen(os.grants.pipe, "w") f:setvbuf("full", 1e6) f:write(("x"):rep(300000)) f = nil
		collectgarbage()`)
	run(`x = 1`)
	got := 0
	buf := make([]byte, 64<<10)
	read := func() (int, error) {
		t.Helper()
		pfd := []unix.PollFd{{Fd: int32(rd.Fd()), Events: unix.POLLIN}}
		if n, err := unix.Poll(pfd, 10000); n != 1 {
			t.Fatalf("after %d bytes: nothing more to read in 10 s (%v)", got, err)
		}
		return rd.Read(buf)
	}
	for got < size {
		n, err := read()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got, err)
		}
		got += n
		run(`collectgarbage()`) // the runtime writes more as room is made
	}
	run(`collectgarbage()`)
	if n, err := read(); n != 0 || err != io.EOF {
		t.Errorf("after all %d bytes: %d more, %v; want end of file: the dropped file closed", got, n, err)
	}
}

// TestRelayDoesNotWaitForDaemons checks that a wait for a child whose
// output is relayed to a host's writer returns once the child has exited
// and what it wrote has reached the writer, even while a process it left
// behind still holds its standard output: the relay goes on copying what
// that process writes, but nobody waits for it.
func TestRelayDoesNotWaitForDaemons(t *testing.T) {
	dir := t.TempDir()
	pidfile := dir + "/pid"
	var stdout strings.Builder
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(&stdout))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidfile); err == nil {
			for _, f := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(f); err == nil {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
	})
	code := `
		local sp = require("subprocess")
		os.execute("echo first; sleep 60 & echo $! >> ` + pidfile + `")
		sp.run({"sh", "-c", "echo second; sleep 60 & echo $! >> ` + pidfile + `"})
		local ok, err = pcall(sp.run, {"sh", "-c", "sleep 60 & echo $! >> ` + pidfile + `; exec sleep 60"}, {timeout = 0.2})
		assert(not ok and tostring(err):find("timed out"), tostring(err))
		print("third")
	`
	done := make(chan error, 1)
	go func() { done <- r.DoString(context.Background(), code, "daemons") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(describe(err))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the waits waited for the processes left behind")
	}
	if got := stdout.String(); got != "first\nsecond\nthird\n" {
		t.Errorf("stdout = %q", got)
	}
}
