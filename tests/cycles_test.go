//go:build linux

package tests

import (
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// leftovers are scripts that leave things behind for Close to release:
// files, pipes, ptys, sockets, children (and the relay of a child writing
// to a Go writer), and an interrupted chunk.
var leftovers = []string{
	`f = io.open(DIR .. "/f", "w") f:write("x") g = io.open(DIR .. "/f")`,
	`r, w = os.pipe() fd = os.dup(r) t = io.tmpfile()`,
	`local socket = require("socket") a, b = socket.socketpair() srv = socket.create_server("127.0.0.1", 0)`,
	`m, s = os.openpty() d = os.dup2(m, 90, false)`,
	`x = 1`,
}

// children are scripts that leave a child running; one cycle in 50 runs
// one of them.
var children = []string{
	`p = require("subprocess").Popen({"/bin/sleep", "30"})`,
	`p = require("subprocess").Popen({"/bin/sh", "-c", "echo relayed; exec sleep 30"}, {start_new_session = true})`,
	`q = io.popen("exec sleep 30")`,
}

// TestManyRuntimes makes 10,000 runtimes (1,000 with -short), each
// running a script that leaves something behind, and closes them: the
// process's descriptor, goroutine and zombie counts must come back to what
// they were.
func TestManyRuntimes(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	dir := t.TempDir()
	// Warm up: the first runtime starts what lives for the whole process
	// (the Go runtime's netpoller, the signal goroutine).
	cycle(t, dir, 0, leftovers[0])
	settle()
	fds, goroutines, zs := settledFds(t), goruntime.NumGoroutine(), zombies(t)
	start := time.Now()
	for i := range n {
		code := leftovers[i%len(leftovers)]
		if i%50 == 0 {
			code = children[(i/50)%len(children)]
		}
		cycle(t, dir, i, code)
	}
	elapsed := time.Since(start)
	settle()
	if got := settledFds(t); got != fds {
		t.Errorf("open descriptors: %d before, %d after %d runtimes", fds, got, n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for goruntime.NumGoroutine() != goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := goruntime.NumGoroutine(); got != goroutines {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", goroutines, got, buf[:goruntime.Stack(buf, true)])
	}
	if got := zombies(t); got != zs {
		t.Errorf("zombies: %d before, %d after", zs, got)
	}
	t.Logf("%d runtimes made, run and closed in %v (%v each)", n, elapsed, elapsed/time.Duration(n))
}

func cycle(t *testing.T, dir string, i int, code string) {
	var out strings.Builder
	opts := []runtime.Option{
		runtime.AllowWrite(dir), runtime.AllowRun("/bin/sleep", "/bin/sh"),
		runtime.AllowListen("127.0.0.1:*"), runtime.WithGracePeriod(0),
	}
	if i%2 == 0 {
		opts = append(opts, runtime.WithStdout(&out)) // children's output goes through a relay
	}
	r, err := runtime.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.LState().SetGlobal("DIR", luaString(dir))
	ctx := context.Background()
	if i%7 == 0 {
		// Interrupted while blocked.
		c, cancel := context.WithTimeout(ctx, time.Millisecond)
		defer cancel()
		r.DoString(c, code+` local r2, w2 = os.pipe() os.read(r2, 1)`, fmt.Sprint("cycle", i))
	} else if err := r.DoString(ctx, code, fmt.Sprint("cycle", i)); err != nil {
		t.Fatalf("cycle %d: %s", i, describe(err))
	}
	if err := r.Close(); err != nil {
		t.Fatalf("cycle %d: Close: %v", i, err)
	}
}

// settle gives goroutines that are ending a moment to end.
func settle() {
	for range 10 {
		goruntime.Gosched()
		time.Sleep(5 * time.Millisecond)
	}
}

func luaString(s string) lua.LString { return lua.LString(s) }
