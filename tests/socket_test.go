//go:build linux

package tests

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
)

// TestSocketLuaBlocking runs the socket Lua tests in a runtime that cannot
// be interrupted, as the command line runs scripts: there a socket without
// a timeout waits in the kernel instead of in poll, a path TestLua does
// not take.
func TestSocketLuaBlocking(t *testing.T) {
	files, err := filepath.Glob("lua/socket*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no socket Lua tests found: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			out, err := runLua(t, file, runtime.Unrestricted(), runtime.ExitProcess())
			if err != nil {
				t.Fatalf("%v\n%s", describe(err), out)
			}
		})
	}
}

// newSocketRuntime returns a runtime with the socket module loaded as the
// global socket, closed at the end of the test.
func newSocketRuntime(t *testing.T, opts ...runtime.Option) *runtime.Runtime {
	t.Helper()
	r, err := runtime.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if err := r.DoString(context.Background(), `socket = require("socket")`, "setup"); err != nil {
		t.Fatal(describe(err))
	}
	return r
}

// TestSocketInterrupt cancels a script blocked in each call that can wait
// for a peer, and checks that the call gives way at once with
// "interrupted" and that the runtime then works as before.
func TestSocketInterrupt(t *testing.T) {
	r := newSocketRuntime(t, runtime.Unrestricted())
	setup := `
		srv = assert(socket.create_server("127.0.0.1", 0))
		local _, port = srv:getsockname()
		cli = assert(socket.create_connection("127.0.0.1", port, 5))
		conn = assert(srv:accept())
		a, b = assert(socket.socketpair())
		c, d = assert(socket.socketpair())
		full = assert(socket.socket())
		assert(full:bind("127.0.0.1", 0))
		assert(full:listen(0))
		_, fullport = full:getsockname()
		-- fill full's queue: later connects hang in SYN_SENT
		queued = {}
		for i = 1, 8 do
			local s = socket.socket()
			s:settimeout(0.2)
			queued[i] = s
			if not s:connect("127.0.0.1", fullport) then break end
		end
	`
	if err := r.DoString(context.Background(), setup, "setup"); err != nil {
		t.Fatal(describe(err))
	}
	blocked := map[string]string{
		"recv":              `conn:recv(10)`,
		"recv timeout":      `conn:settimeout(60) local ok = conn:recv(10) conn:settimeout(nil)`,
		"accept":            `srv:accept()`,
		"recvfrom":          `a:recvfrom(10)`,
		"recv_fds":          `socket.recv_fds(a, 10, 1)`,
		"sendall":           `d:sendall(string.rep("x", 16 * 1048576))`,
		"connect":           `local s = socket.socket() s:connect("127.0.0.1", fullport)`,
		"create_connection": `socket.create_connection("127.0.0.1", fullport)`,
	}
	for name, code := range blocked {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			timer := time.AfterFunc(100*time.Millisecond, cancel)
			defer timer.Stop()
			done := make(chan error, 1)
			go func() { done <- r.DoString(ctx, code, name) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the script was not interrupted")
			}
			var lerr *runtime.Error
			if !errors.As(err, &lerr) || !strings.Contains(lerr.Message, "interrupted") {
				t.Fatalf("DoString = %v; want an interruption", err)
			}
			// The runtime still works: a message goes through.
			check := `
				cli:sendall("alive")
				conn:settimeout(5)
				local got = conn:recv(5)
				conn:settimeout(nil)
				assert(got == "alive", "got " .. tostring(got))
			`
			if err := r.DoString(context.Background(), check, "check"); err != nil {
				t.Fatal(describe(err))
			}
		})
	}
}

// TestSocketRestricted checks that a runtime that was not made
// Unrestricted can use only the descriptors it owns: fromfd and send_fds
// refuse the others with EBADF, as if they were not open.
func TestSocketRestricted(t *testing.T) {
	r := newSocketRuntime(t)
	code := `
		local function fails(fn, ...)
			local ok, msg, errno = fn(...)
			assert(ok == nil and errno == os.errno.EBADF, "want EBADF, got " .. tostring(ok) .. " " .. tostring(msg))
			return msg
		end
		local m = fails(socket.fromfd, 0)
		assert(m:find("^fromfd: "), m)
		local a, b = assert(socket.socketpair())
		fails(socket.send_fds, a, "x", { 1 })
		-- its own descriptors are fine, by number or by object
		local d = assert(socket.fromfd(a:fileno()))
		assert(socket.send_fds(a, "x", { d:fileno(), d }) == 1)
		local data, fds = socket.recv_fds(b, 1, 4)
		assert(data == "x" and #fds == 2)
		-- received descriptors are the runtime's: it may use them
		local e = assert(socket.fromfd(fds[1]))
		e:close(); d:close(); a:close(); b:close()
		os.close(fds[1]); os.close(fds[2])
	`
	if err := r.DoString(context.Background(), code, "restricted"); err != nil {
		t.Fatal(describe(err))
	}
}

// TestSocketCloseReleases checks that closing a runtime closes every
// socket and received descriptor its scripts left open.
func TestSocketCloseReleases(t *testing.T) {
	open := fdtest.Open(t)
	before := len(open)
	dir := t.TempDir()
	r, err := runtime.New(runtime.AllowListen("127.0.0.1:*"), runtime.AllowConnect("127.0.0.1:*"), runtime.AllowWrite(dir))
	if err != nil {
		t.Fatal(err)
	}
	err = r.DoString(context.Background(), `
		local socket = require("socket")
		leak = {}
		leak.srv = assert(socket.create_server("127.0.0.1", 0))
		local _, port = leak.srv:getsockname()
		leak.cli = assert(socket.create_connection("127.0.0.1", port, 5))
		leak.conn = assert(leak.srv:accept())
		leak.dup = leak.conn:dup()
		leak.a, leak.b = socket.socketpair()
		leak.u = socket.socket("unix", "dgram")
		assert(leak.u:bind("`+dir+`/u"))
		local r, w = os.pipe()
		socket.send_fds(leak.a, "x", { r, w })
		os.close(r) os.close(w)
		leak.data, leak.fds = socket.recv_fds(leak.b, 1, 2)
		assert(#leak.fds == 2)
	`, "leak")
	if err != nil {
		t.Fatal(describe(err))
	}
	if got := openFds(t); got < before+9 {
		t.Fatalf("open descriptors: %d before, %d after the script; want at least 9 more", before, got)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoneLeft(t, open, "after Close")
}

// TestSocketNotGranted checks that a host that grants no socket module
// gets a script error, not a socket.
func TestSocketNotGranted(t *testing.T) {
	r, err := runtime.New(runtime.WithModules("io", "os"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.DoString(context.Background(), `require("socket")`, "require")
	if err == nil || !strings.Contains(err.Error(), "socket") {
		t.Fatalf("require(\"socket\") = %v; want an error", err)
	}
}
