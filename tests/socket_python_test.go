//go:build linux

package tests

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
)

// The interoperability tests put safesh's sockets against CPython's, a
// peer nobody here wrote: as client and as server, stream and datagram,
// inet, inet6 and unix, and descriptor passing both ways.

// pyServer listens on one socket, answers one client with what it sent in
// upper case, and exits. It prints its port (or path) when ready.
const pyServer = `
import socket, sys
fam, typ, addr = sys.argv[1], sys.argv[2], sys.argv[3]
F = {"inet": socket.AF_INET, "inet6": socket.AF_INET6, "unix": socket.AF_UNIX}[fam]
s = socket.socket(F, socket.SOCK_STREAM if typ == "stream" else socket.SOCK_DGRAM)
s.settimeout(20)
s.bind(addr if fam == "unix" else (addr, 0))
if typ == "stream":
    s.listen()
print(addr if fam == "unix" else s.getsockname()[1], flush=True)
if typ == "stream":
    conn, _ = s.accept()
    conn.settimeout(20)
    data = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.sendall(data.upper())
    conn.close()
else:
    data, peer = s.recvfrom(65536)
    s.sendto(data.upper(), peer)
`

// pyClient sends a message to a server, and prints the answer.
const pyClient = `
import socket, sys
fam, typ, addr, port, me = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
F = {"inet": socket.AF_INET, "inet6": socket.AF_INET6, "unix": socket.AF_UNIX}[fam]
s = socket.socket(F, socket.SOCK_STREAM if typ == "stream" else socket.SOCK_DGRAM)
s.settimeout(20)
target = addr if fam == "unix" else (addr, int(port))
if typ == "stream":
    s.connect(target)
    s.sendall(b"hello from python " * 5000)
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
else:
    if fam == "unix":
        s.bind(me)
    s.sendto(b"hello from python", target)
    data, _ = s.recvfrom(65536)
sys.stdout.write(data.decode())
`

// python returns the python3 command, or skips the test.
func python(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the interoperability tests need it as a peer")
	}
	return p
}

// startPython starts a Python program; ready returns the first line it
// prints, and wait its exit and the rest of its output.
func startPython(t *testing.T, code string, args ...string) (ready func() string, wait func() string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := exec.CommandContext(ctx, python(t), append([]string{"-c", code}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	br := bufio.NewReader(out)
	ready = func() string {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("python did not get ready: %v\n%s", err, stderr.String())
		}
		return strings.TrimSpace(line)
	}
	wait = func() string {
		var rest strings.Builder
		br.WriteTo(&rest)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("python: %v\n%s", err, stderr.String())
		}
		return rest.String()
	}
	return ready, wait
}

// luaPeer returns a runtime with the test prelude, T and the global
// socket, and a function that runs code in it, bounded in time.
func luaPeer(t *testing.T) func(code string) {
	t.Helper()
	r := newSocketRuntime(t, runtime.Unrestricted())
	installT(t, r.LState())
	prelude, err := os.ReadFile("testdata/prelude.lua")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.DoString(context.Background(), string(prelude), "prelude.lua"); err != nil {
		t.Fatal(describe(err))
	}
	return func(code string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := r.DoString(ctx, code, "peer"); err != nil {
			t.Fatal(describe(err))
		}
	}
}

// peerCases are the socket kinds tried against Python: family, type, and
// the host (or, for unix, a file name in a temporary directory).
var peerCases = []struct{ family, typ, host string }{
	{"inet", "stream", "127.0.0.1"},
	{"inet", "dgram", "127.0.0.1"},
	{"inet6", "stream", "::1"},
	{"inet6", "dgram", "::1"},
	{"unix", "stream", "s"},
	{"unix", "dgram", "d"},
}

// skipNoIPv6 skips an inet6 case on a machine without ::1.
func skipNoIPv6(t *testing.T, family string) {
	if family != "inet6" {
		return
	}
	out, err := exec.Command(python(t), "-c", `import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))`).CombinedOutput()
	if err != nil {
		t.Skipf("no IPv6 loopback here: %s", out)
	}
}

// TestSocketPythonServer connects safesh clients to Python servers.
func TestSocketPythonServer(t *testing.T) {
	for _, c := range peerCases {
		t.Run(c.family+"_"+c.typ, func(t *testing.T) {
			skipNoIPv6(t, c.family)
			addr := c.host
			if c.family == "unix" {
				addr = filepath.Join(t.TempDir(), c.host)
			}
			ready, wait := startPython(t, pyServer, c.family, c.typ, addr)
			port := ready()
			run := luaPeer(t)
			target := fmt.Sprintf("%q, %s", addr, port)
			if c.family == "unix" {
				target = fmt.Sprintf("%q", addr)
			}
			if c.typ == "stream" {
				run(fmt.Sprintf(`
					local c = assert(socket.socket(%q, "stream"))
					c:settimeout(20)
					assert(c:connect(%s))
					local msg = string.rep("hello from safesh ", 5000)
					assert(c:sendall(msg))
					assert(c:shutdown("w"))
					local parts = {}
					while true do
						local data = assert(c:recv(65536))
						if data == "" then break end
						parts[#parts + 1] = data
					end
					eq(table.concat(parts), msg:upper(), "the answer")
					c:close()
				`, c.family, target))
			} else {
				me := ""
				if c.family == "unix" {
					me = fmt.Sprintf("assert(c:bind(%q))", addr+".client")
				}
				run(fmt.Sprintf(`
					local c = assert(socket.socket(%q, "dgram"))
					c:settimeout(20)
					%s
					assert(c:connect(%s))
					eq(c:send("hello from safesh"), 17, "send")
					eq(c:recv(100), "HELLO FROM SAFESH", "the answer")
					c:close()
				`, c.family, me, target))
			}
			wait()
		})
	}
}

// TestSocketPythonClient serves Python clients from safesh servers.
func TestSocketPythonClient(t *testing.T) {
	for _, c := range peerCases {
		t.Run(c.family+"_"+c.typ, func(t *testing.T) {
			skipNoIPv6(t, c.family)
			addr, bindArgs := c.host, fmt.Sprintf("%q, 0", c.host)
			if c.family == "unix" {
				addr = filepath.Join(t.TempDir(), c.host)
				bindArgs = fmt.Sprintf("%q", addr)
			}
			run := luaPeer(t)
			run(fmt.Sprintf(`
				srv = assert(socket.socket(%q, %q))
				srv:settimeout(20)
				assert(srv:bind(%s))
				if %q == "stream" then assert(srv:listen()) end
				local _, p = srv:getsockname()
				port = p or 0
			`, c.family, c.typ, bindArgs, c.typ))
			port := luaGlobal(t, run, "port")
			_, wait := startPython(t, pyClient, c.family, c.typ, addr, port, addr+".client")
			if c.typ == "stream" {
				run(`
					local conn = assert(srv:accept())
					conn:settimeout(20)
					local parts = {}
					while true do
						local data = assert(conn:recv(65536))
						if data == "" then break end
						parts[#parts + 1] = data
					end
					local msg = table.concat(parts)
					eq(msg, string.rep("hello from python ", 5000), "what python sent")
					assert(conn:sendall(msg:upper()))
					conn:close()
				`)
			} else {
				run(`
					local data, host, port = srv:recvfrom(100)
					eq(data, "hello from python", "what python sent")
					assert(srv:sendto(data:upper(), host, port))
				`)
			}
			want := "HELLO FROM PYTHON"
			if c.typ == "stream" {
				want = strings.Repeat("HELLO FROM PYTHON ", 5000)
			}
			if got := wait(); got != want {
				t.Fatalf("python got %.60q...; want %.60q...", got, want)
			}
		})
	}
}

// luaGlobal returns the global name of the runtime behind run, as a
// string, through a file: run has no results.
func luaGlobal(t *testing.T, run func(string), name string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "global")
	run(fmt.Sprintf(`local f = assert(io.open(%q, "w")) f:write(tostring(%s)) f:close()`, f, name))
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSocketPythonSendFds passes descriptors from safesh to Python's
// socket.recv_fds: a pipe's write end and a socket, which Python writes
// to.
func TestSocketPythonSendFds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fds")
	run := luaPeer(t)
	run(fmt.Sprintf(`
		srv = assert(socket.socket("unix"))
		srv:settimeout(20)
		assert(srv:bind(%q))
		assert(srv:listen())
	`, path))
	_, wait := startPython(t, `
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
msg, fds, flags, _ = socket.recv_fds(s, 100, 4)
assert msg == b"take these", msg
assert len(fds) == 2, fds
os.write(fds[0], b"written by python")
os.close(fds[0])
peer = socket.socket(fileno=fds[1])
peer.sendall(b"through the passed socket")
peer.close()
s.close()
`, path)
	run(`
		local conn = assert(srv:accept())
		conn:settimeout(20)
		local r, w = os.pipe()
		local mine, theirs = assert(socket.socketpair())
		mine:settimeout(20)
		eq(socket.send_fds(conn, "take these", { w, theirs }), 10, "send_fds")
		os.close(w)
		theirs:close()
		local got = {}
		while true do
			local data = assert(os.read(r, 100))
			if data == "" then break end
			got[#got + 1] = data
		end
		eq(table.concat(got), "written by python", "python wrote into the passed pipe")
		got = {}
		while true do
			local data = assert(mine:recv(100))
			if data == "" then break end
			got[#got + 1] = data
		end
		eq(table.concat(got), "through the passed socket", "python wrote into the passed socket")
		os.close(r)
		mine:close()
		conn:close()
	`)
	wait()
}

// TestSocketPythonRecvFds receives descriptors from Python's
// socket.send_fds, one of them inheritable on Python's side: what arrives
// in safesh is non-inheritable all the same, as a child confirms.
func TestSocketPythonRecvFds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fds")
	run := luaPeer(t)
	run(fmt.Sprintf(`
		srv = assert(socket.socket("unix"))
		srv:settimeout(20)
		assert(srv:bind(%q))
		assert(srv:listen())
	`, path))
	_, wait := startPython(t, `
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
r, w = os.pipe()
os.set_inheritable(r, True)
os.write(w, b"from a python pipe")
os.close(w)
f = open(sys.argv[1] + ".file", "w+b")
f.write(b"from a python file")
f.flush()
socket.send_fds(s, [b"here you are"], [r, f.fileno()])
os.close(r)
f.close()
assert s.recv(10) == b"thanks"
`, path)
	run(fmt.Sprintf(`
		local conn = assert(srv:accept())
		conn:settimeout(20)
		local data, fds, truncated = socket.recv_fds(conn, 100, 4)
		eq(data, "here you are", "the data")
		eq(#fds, 2, "two descriptors")
		eq(truncated, false, "not truncated")
		local child = T.inherited()
		for i, fd in ipairs(fds) do
			eq(os.get_inheritable(fd), false, "received fd " .. i .. " is non-inheritable")
			eq(child[fd], nil, "a child must not see received fd " .. fd)
		end
		eq(os.read(fds[1], 100), "from a python pipe", "the pipe works")
		eq(os.lseek(fds[2], 0, "set"), 0, "the file seeks")
		eq(os.read(fds[2], 100), "from a python file", "the file works")
		os.close(fds[1]); os.close(fds[2])
		assert(conn:sendall("thanks"))
		conn:close()
		os.remove(%q)
	`, path+".file"))
	wait()
}
