//go:build linux

package tests

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// taskEchoServer serves N connections with one task each, echoing every
// line, then returns how many it served. It prints its port first.
const taskEchoServer = `
local task, socket = require("task"), require("socket")
local N = tonumber(arg and arg[1] or N)
local srv = assert(socket.create_server("127.0.0.1", 0, 256))
local _, port = srv:getsockname()
io.write(port, "\n") io.stdout:flush()
local served = 0
task.run(function()
  for i = 1, N do
    local c = assert(srv:accept())
    task.spawn(function()
      local f = c
      while true do
        local d = f:recv(65536)
        if d == "" then break end
        assert(f:sendall(d))
      end
      f:close()
      served = served + 1
    end)
  end
end)
srv:close()
return served
`

// pyEchoClients connects N clients at once from threads, each sending
// 20 messages and checking every reply, then prints "ok N".
const pyEchoClients = `
import socket, sys, threading
port, n = int(sys.argv[1]), int(sys.argv[2])
bad = []
def client(i):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        for j in range(20):
            msg = ("client %d message %d\n" % (i, j)).encode()
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            if got != msg:
                bad.append((i, j, got))
        s.close()
    except Exception as e:
        bad.append((i, repr(e)))
ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()
print("ok" if not bad else "bad %r" % bad[:3], n - len(bad))
`

// TestTaskEchoServerPythonClients: an echo server written with tasks
// serves 200 concurrent clients from a python3 process, every reply
// correct.
func TestTaskEchoServerPythonClients(t *testing.T) {
	python(t)
	const n = 200
	out := &lineWriter{ch: make(chan string, 1)}
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(out), runtime.WithStderr(os.Stderr))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("N", lua.LNumber(n))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	var served string
	go func() {
		fn, err := r.LState().LoadString(taskEchoServer)
		if err != nil {
			done <- err
			return
		}
		res, err := r.Call(ctx, fn)
		if err == nil && len(res) > 0 {
			served = res[0].String()
		}
		done <- err
	}()
	var port string
	select {
	case port = <-out.ch:
	case err := <-done:
		t.Fatalf("the server ended early: %v", err)
	}
	ready, wait := startPython(t, pyEchoClients+"\nprint('end')\n", strings.TrimSpace(port), strconv.Itoa(n))
	if got := ready(); got != "ok "+strconv.Itoa(n) {
		t.Fatalf("python clients: %s", got)
	}
	wait()
	if err := <-done; err != nil {
		t.Fatalf("the server: %v", describe(err))
	}
	if served != strconv.Itoa(n) {
		t.Fatalf("served %s connections, want %d", served, n)
	}
}

// TestTaskCancelReleasesEverything: a host's cancel ends a run whose
// tasks all wait (on sockets, pipes, children, sleeps, channels) at once,
// with the error "interrupted", and Close leaves no descriptor behind.
func TestTaskCancelReleasesEverything(t *testing.T) {
	before := fdtest.Open(t)
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(new(strings.Builder)), runtime.WithStderr(new(strings.Builder)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	err = r.DoString(ctx, `
local task, socket, sp, time, sel = require("task"), require("socket"), require("subprocess"), require("time"), require("select")
local srv = assert(socket.create_server("127.0.0.1", 0))
local a, b = socket.socketpair()
local r, w = os.pipe()
local ch = task.channel()
task.spawn(function() srv:accept() end)
task.spawn(function() a:recv(10) end)
task.spawn(function() os.read(r, 10) end)
task.spawn(function() sp.Popen({"sleep", "30"}):wait() end)
task.spawn(function() time.sleep(30) end)
task.spawn(function() ch:recv() end)
task.spawn(function() while true do end end)
task.spawn(function() pcall(function() time.sleep(30) end) time.sleep(30) end)
task.run()
`, "blocked")
	took := time.Since(start)
	var lerr *runtime.Error
	if !errors.As(err, &lerr) || !strings.Contains(lerr.Message, "interrupted") {
		t.Fatalf("want interrupted, got %v", err)
	}
	if took > 5*time.Second {
		t.Fatalf("the cancel took %v", took)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkNoneLeft(t, before, "after Close")
}

// lineWriter sends its first line on ch.
type lineWriter struct {
	buf  strings.Builder
	ch   chan string
	sent bool
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if !w.sent {
		if s := w.buf.String(); strings.Contains(s, "\n") {
			w.sent = true
			w.ch <- s[:strings.Index(s, "\n")]
		}
	}
	return len(p), nil
}
