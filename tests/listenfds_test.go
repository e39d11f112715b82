//go:build linux

package tests

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listenParent is a safesh script that makes a listening socket, starts
// the command given with it as listen_fds (named "web"), connects, and
// prints what the child answered.
const listenParent = `
local sp = require("subprocess")
local socket = require("socket")
local srv = assert(socket.create_server("127.0.0.1", 0))
local _, port = srv:getsockname()
local p = assert(sp.Popen({...}, {listen_fds = {{srv, "web"}}, fds = {[9] = srv}}))
srv:close()
local c = assert(socket.create_connection("127.0.0.1", port))
local got = {}
while true do
  local s = c:recv(100)
  if not s or s == "" then break end
  got[#got + 1] = s
end
assert(p:wait() == 0)
print(table.concat(got))
`

// TestListenFdsPython proves listen_fds with a real peer: a python3 child
// that checks the variables (LISTEN_PID is its own pid) and accepts on
// fd 3.
func TestListenFdsPython(t *testing.T) {
	pyDir := realPythonDir(t)
	dir := t.TempDir()
	parent := filepath.Join(dir, "parent.lua")
	os.WriteFile(parent, []byte(listenParent), 0o644)
	child := `
import os, socket
assert os.environ["LISTEN_PID"] == str(os.getpid()), os.environ["LISTEN_PID"]
assert os.environ["LISTEN_FDS"] == "1"
s = socket.socket(fileno=3)
c, _ = s.accept()
c.sendall(("%s %s %s" % (os.environ["LISTEN_FDNAMES"], s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), os.path.exists("/proc/self/fd/9"))).encode())
c.close()
`
	out, err := exec.Command("safesh", parent, filepath.Join(pyDir, "python3"), "-c", child).CombinedOutput()
	if err != nil {
		t.Fatalf("safesh: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "web 1 True" {
		t.Fatalf("child answered %q; want %q", got, "web 1 True")
	}
}

// activated is a safesh service taking its sockets from socket.listen_fds.
const activated = `
local socket = require("socket")
local fds = socket.listen_fds()
assert(#fds == 1, "got " .. #fds .. " sockets")
assert(os.getenv("LISTEN_PID") == nil, "LISTEN_PID not unset")
assert(fds[1]:get_inheritable() == false)
local c = assert(fds[1]:accept())
c:sendall(fds[1].name .. " " .. fds[1]:fileno())
c:close()
assert(#socket.listen_fds() == 0)
`

// TestListenFdsSafesh runs safesh as the activated service of safesh.
func TestListenFdsSafesh(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "parent.lua")
	service := filepath.Join(dir, "service.lua")
	os.WriteFile(parent, []byte(listenParent), 0o644)
	os.WriteFile(service, []byte(activated), 0o644)
	out, err := exec.Command("safesh", parent, "safesh", service).CombinedOutput()
	if err != nil {
		t.Fatalf("safesh: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "web 3" {
		t.Fatalf("service answered %q; want %q", got, "web 3")
	}
}

// TestListenFdsSystemd runs safesh as the service of systemd's own
// socket activation tool.
func TestListenFdsSystemd(t *testing.T) {
	tool, err := exec.LookPath("systemd-socket-activate")
	if err != nil {
		t.Skip("systemd-socket-activate is not installed (Debian's systemd package has it)")
	}
	dir := t.TempDir()
	service := filepath.Join(dir, "service.lua")
	os.WriteFile(service, []byte(activated), 0o644)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	safesh, _ := exec.LookPath("safesh")
	cmd := exec.Command(tool, "-l", addr, "--fdname=web", safesh, service)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var c net.Conn
	for i := 0; i < 100; i++ {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	got, _ := bufio.NewReader(c).ReadString(0)
	if got != "web 3" {
		msg, _ := bufio.NewReader(stderr).ReadString(0)
		t.Fatalf("service answered %q; want %q (%s)", got, "web 3", msg)
	}
}
