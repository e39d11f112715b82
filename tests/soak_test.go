//go:build linux

package tests

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	goruntime "runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// soakChunks are what the soak's runtimes run: chunks that block in each
// way a script can, that leave files, sockets and children behind, and
// that finish at once.
var soakChunks = []string{
	`while true do end`,
	`local r, w = os.pipe() os.read(r, 1)`,
	`local r, w = os.pipe() os.write(w, ("x"):rep(70000))`,
	`local r, w = os.pipe() local f = os.fdopen(w, "w") f:setvbuf("full", 1e6) f:write(("x"):rep(200000)) f:flush()`,
	`for i = 1, 20 do io.open(DIR .. "/in"):read("*a") end collectgarbage()`,
	`io.open(DIR .. "/out" .. ID, "w"):write("dropped, not closed")`,
	`require("subprocess").run({"/bin/sleep", "1"})`,
	`require("subprocess").Popen({"/bin/true"})`,
	`local sp = require("subprocess") sp.Popen({"/bin/sleep", "1"}, {stdin = sp.PIPE}).stdin:write(("x"):rep(1e6))`,
	`local s = require("socket").create_server("127.0.0.1", 0) s:accept()`,
	`local a, b = require("socket").socketpair() a:sendall(("x"):rep(1e6))`,
	`io.open(FIFO)`,
	`x = (x or 0) + 1`,
	`pcall(error, "caught")`,
}

// TestSoak runs 50 runtimes at once, each running chunks from soakChunks
// with short deadlines, while Close comes at random moments, in the
// middle of a chunk or between two: every chunk must return, with no
// error but its interruption, and once every runtime is closed the
// process must hold the descriptors and children it had before. It runs
// for 3 seconds; SAFESH_SOAK=1m runs it longer. Under -race it is the
// proof that cancels, Closes and the release of dropped objects share
// nothing unsynchronised.
func TestSoak(t *testing.T) {
	duration := 3 * time.Second
	if s := os.Getenv("SAFESH_SOAK"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("SAFESH_SOAK=%q: %v", s, err)
		}
		duration = d
	}
	if testing.Short() {
		duration = time.Second
	}
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/in", []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(dir+"/fifo", 0o600); err != nil {
		t.Fatal(err)
	}
	// Earlier tests may have left files for Go's finalizers, which the
	// soak's collections would run: run them first.
	goruntime.GC()
	time.Sleep(50 * time.Millisecond)
	goruntime.GC()
	before := fdtest.Open(t)
	stop := time.Now().Add(duration)
	var chunks, interrupted, closedMidway atomic.Int64
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			for n := 0; time.Now().Before(stop); n++ {
				r, err := runtime.New(runtime.WithGracePeriod(0), runtime.AllowWrite(dir),
					runtime.AllowRun("/bin/sleep", "/bin/true"), runtime.AllowListen("127.0.0.1:*"),
					runtime.WithStdout(new(syncBuffer)), runtime.WithStderr(new(syncBuffer)))
				if err != nil {
					t.Error(err)
					return
				}
				L := r.LState()
				L.SetGlobal("DIR", lua.LString(dir))
				L.SetGlobal("FIFO", lua.LString(dir+"/fifo"))
				L.SetGlobal("ID", lua.LString(strconv.Itoa(i)+"-"+strconv.Itoa(n)))
				soakRuntime(t, r, rng, &chunks, &interrupted, &closedMidway)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d chunks, %d interrupted, %d runtimes closed in the middle of a chunk", chunks.Load(), interrupted.Load(), closedMidway.Load())
	// What the last closes started (a FIFO open being ended) settles.
	deadline := time.Now().Add(10 * time.Second)
	for (len(fdtest.Opened(t, before)) > 0 || zombies(t) != 0) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	checkNoneLeft(t, before, "after the soak")
	if z := zombies(t); z != 0 {
		t.Errorf("%d zombies after", z)
	}
}

// soakRuntime runs a few chunks in r, each with a deadline of up to 30
// ms, and closes r: in one case in five from another goroutine while a
// chunk runs.
func soakRuntime(t *testing.T, r *runtime.Runtime, rng *rand.Rand, chunks, interrupted, closedMidway *atomic.Int64) {
	defer func() {
		if err := r.Close(); err != nil && !errors.Is(err, syscall.EPIPE) {
			t.Errorf("Close: %v", err)
		}
	}()
	for range 1 + rng.IntN(5) {
		code := soakChunks[rng.IntN(len(soakChunks))]
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+rng.IntN(30))*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- r.DoString(ctx, code, "soak") }()
		midway := rng.IntN(5) == 0
		if midway {
			time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
			// A file buffered on a pipe whose reader Close closed first
			// reports the loss: that is the script's doing.
			if err := r.Close(); err != nil && !errors.Is(err, syscall.EPIPE) {
				t.Errorf("Close during %q: %v", code, err)
			}
		}
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("%q: still running 30 s after its deadline", code)
			cancel()
			return
		}
		cancel()
		chunks.Add(1)
		switch {
		case err == nil:
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, runtime.ErrClosed):
			interrupted.Add(1)
		default:
			t.Errorf("%q: %v", code, describe(err))
		}
		if midway {
			closedMidway.Add(1)
			return
		}
	}
}

// syncBuffer is a writer that goroutines may share, that keeps nothing.
type syncBuffer struct{ mu sync.Mutex }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(p), nil
}
