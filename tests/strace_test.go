//go:build linux

package tests

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestStraceAtomicCloexec runs a script that creates descriptors in every
// way safesh offers under strace -f, and checks in the system calls
// themselves that each creation carries its close-on-exec flag, and that
// nothing sets the flag afterwards (which would leave a window in which a
// fork could inherit the descriptor).
func TestStraceAtomicCloexec(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed: the system-call check is skipped (.ci/run installs it)")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "creators.lua")
	if err := os.WriteFile(script, []byte(straceScript), 0o644); err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(dir, "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-o", trace,
		"-e", "trace=open,openat,openat2,creat,pipe,pipe2,dup,dup2,dup3,fcntl,ioctl,socket,socketpair,accept,accept4,recvmsg,sendmsg,sendto,eventfd2,epoll_create,epoll_create1,pidfd_open,memfd_create,clone,clone3,fork,vfork,execve",
		"safesh", script, dir)
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "ptrace") {
			t.Skipf("strace cannot trace here: %s", out)
		}
		t.Fatalf("safesh under strace: %v\n%s", err, out)
	}
	calls := parseTrace(t, trace)
	checked := map[string]int{}
	started, exec := false, false
	for _, c := range calls {
		if c.child {
			continue // a child process: its own dup2s onto 0, 1, 2 are intended
		}
		if !started {
			started = c.name == "openat" && strings.Contains(c.args, script)
			continue // the Go runtime's start-up, before safesh runs
		}
		if c.name == "execve" && !strings.HasPrefix(c.ret, "-1") {
			exec = true
			break // os.exec: what follows is the new image's
		}
		if problem := checkCall(c); problem != "" {
			t.Errorf("%s: %s(%s) = %s", problem, c.name, c.args, c.ret)
		}
		checked[c.name]++
	}
	if !started {
		t.Fatal("the script's own open was not found in the trace")
	}
	if !exec {
		t.Error("the script's os.exec was not found in the trace")
	}
	for _, want := range []string{"openat", "pipe2", "fcntl", "dup3", "ioctl",
		"socket", "socketpair", "accept4", "recvmsg", "sendmsg", "epoll_create1"} {
		if checked[want] == 0 {
			t.Errorf("no %s call was checked: the script did not exercise it", want)
		}
	}
	t.Logf("checked %v", checked)
}

// straceScript creates descriptors through every creator, spawns
// children, and makes sockets in every way, over loopback.
const straceScript = `
local dir = arg[1]
local fd = assert(os.open(dir .. "/a", "w"))
local f = assert(io.open(dir .. "/b", "w"))
local r, w = os.pipe()
local d = os.dup(r)
os.dup2(r, 40, false)
local m, s = os.openpty()
local t = io.tmpfile()
local n = os.tmpname()
for _ in io.lines(dir .. "/a") do end
local p = io.popen("echo hi")
p:read("*a")
p:close()
os.execute("true")

local socket = require("socket")
local srv = assert(socket.create_server("127.0.0.1", 0))
local _, port = srv:getsockname()
local c = assert(socket.create_connection("127.0.0.1", port, 5))
local conn = assert(srv:accept())
assert(c:sendall("x"))
assert(conn:recv(1) == "x")
local u = assert(socket.socket("unix", "dgram"))
local sa, sb = assert(socket.socketpair())
assert(socket.send_fds(sa, "x", { r, u }))
local _, got = socket.recv_fds(sb, 1, 2)
assert(#got == 2)
local sd = assert(sa:dup())
local sf = assert(socket.fromfd(sb:fileno()))

os.makedirs(dir .. "/tree/a/b")
assert(io.open(dir .. "/tree/a/b/f", "w")):close()
os.symlink("a", dir .. "/tree/l")
assert(#os.listdir(dir .. "/tree") == 2)
for e in os.scandir(dir .. "/tree") do end
assert(#os.glob(dir .. "/tree/**") > 3)
assert(os.stat(dir .. "/tree").type == "dir")
assert(os.path.isdir(dir .. "/tree/l"))
assert(os.realpath(dir .. "/tree/l"))
assert(os.truncate(dir .. "/tree/a/b/f", 0))
local shutil = require("shutil")
local data = assert(io.open(dir .. "/tree/data", "w"))
data:write(string.rep("x", 100000))
data:close()
assert(shutil.copyfile(dir .. "/tree/data", dir .. "/tree/copy"))
assert(shutil.copy2(dir .. "/tree/data", dir .. "/tree/a"))
assert(shutil.copytree(dir .. "/tree", dir .. "/tree2"))
assert(shutil.move(dir .. "/tree2", dir .. "/tree3"))
assert(shutil.rmtree(dir .. "/tree3"))
assert(shutil.disk_usage(dir))
assert(shutil.which("sh"))

local sel = require("select")
local ep = assert(sel.epoll())
ep:register(r, sel.EPOLLIN)
ep:poll(0)
sel.select({r}, {w}, {}, 0)
local task = require("task")
task.run(function() task.sleep(0.001) end)

local sp = require("subprocess")
sp.run({"cat"}, {input = "x", capture_output = true})
sp.run({"true"}, {stdin = sp.DEVNULL, stderr = sp.STDOUT, pass_fds = {fd}})
sp.pipeline({{"echo", "x"}, {"cat"}}, {capture_output = true})
assert(os.exec({"true"}, {cwd = dir}))
`

type call struct {
	pid   int
	name  string
	args  string
	ret   string
	child bool // made by a child process, not by safesh
}

var (
	lineRE     = regexp.MustCompile(`^(\d+)\s+(\w+)\((.*)\)\s+=\s+(.*)$`)
	unfinished = regexp.MustCompile(`^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$`)
	resumed    = regexp.MustCompile(`^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\)\s+=\s+(.*)$`)
)

// parseTrace reads strace -f -o output, joining interrupted calls, and
// marks the calls of child processes (made by a clone without
// CLONE_THREAD, or by fork or vfork).
func parseTrace(t *testing.T, path string) []call {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pending := map[int]call{}
	children := map[int]bool{}
	var calls []call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var c call
		if m := lineRE.FindStringSubmatch(line); m != nil {
			c = call{name: m[2], args: m[3], ret: m[4]}
			c.pid, _ = strconv.Atoi(m[1])
		} else if m := unfinished.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.Atoi(m[1])
			pending[pid] = call{pid: pid, name: m[2], args: m[3]}
			continue
		} else if m := resumed.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.Atoi(m[1])
			c = pending[pid]
			delete(pending, pid)
			c.pid, c.name, c.args, c.ret = pid, m[2], c.args+m[3], m[4]
		} else {
			continue // signals, exits
		}
		if c.name == "clone" || c.name == "clone3" || c.name == "fork" || c.name == "vfork" {
			if n, err := strconv.Atoi(strings.Fields(c.ret)[0]); err == nil && n > 0 {
				if !strings.Contains(c.args, "CLONE_THREAD") || children[c.pid] {
					children[n] = true
				}
			}
		}
		calls = append(calls, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// A vfork child runs before its parent's clone returns: mark children
	// once every clone is known.
	for i := range calls {
		calls[i].child = children[calls[i].pid]
	}
	return calls
}

// checkCall returns what is wrong with a call made by safesh, or "".
func checkCall(c call) string {
	failed := strings.HasPrefix(c.ret, "-1")
	switch c.name {
	case "open", "openat", "openat2":
		if !failed && !strings.Contains(c.args, "O_CLOEXEC") {
			return "opened without O_CLOEXEC"
		}
	case "pipe2", "dup3":
		if !strings.Contains(c.args, "O_CLOEXEC") {
			return "created without O_CLOEXEC"
		}
	case "socket", "socketpair", "accept4":
		if !strings.Contains(c.args, "SOCK_CLOEXEC") {
			return "created without SOCK_CLOEXEC"
		}
	case "eventfd2":
		if !strings.Contains(c.args, "EFD_CLOEXEC") {
			return "created without EFD_CLOEXEC"
		}
	case "epoll_create1":
		if !strings.Contains(c.args, "EPOLL_CLOEXEC") {
			return "created without EPOLL_CLOEXEC"
		}
	case "sendmsg", "sendto":
		if !strings.Contains(c.args, "MSG_NOSIGNAL") {
			return "sent without MSG_NOSIGNAL (a closed peer would raise SIGPIPE)"
		}
	case "recvmsg":
		if !failed && strings.Contains(c.args, "SCM_RIGHTS") && !strings.Contains(c.args, "MSG_CMSG_CLOEXEC") {
			return "received descriptors without MSG_CMSG_CLOEXEC"
		}
	case "fcntl":
		switch {
		case strings.Contains(c.args, "F_DUPFD_CLOEXEC"), strings.Contains(c.args, "F_GET"),
			strings.Contains(c.args, "F_SETFL"):
		case strings.Contains(c.args, "F_DUPFD"):
			return "duplicated without F_DUPFD_CLOEXEC"
		case strings.Contains(c.args, "F_SETFD"):
			return "close-on-exec set after creation"
		}
	case "ioctl":
		switch {
		case strings.Contains(c.args, "FIOCLEX"), strings.Contains(c.args, "FIONCLEX"):
			return "close-on-exec changed after creation"
		case strings.Contains(c.args, "TIOCGPTPEER"):
			if !cloexecNumber(c.args) {
				return "pty slave opened without O_CLOEXEC"
			}
		}
	case "pipe", "dup", "dup2", "accept", "epoll_create", "creat":
		return "a creator with no close-on-exec flag"
	}
	return ""
}

// cloexecNumber reports whether the last argument of an ioctl, printed as a
// number, has O_CLOEXEC (0x80000 on Linux) set.
func cloexecNumber(args string) bool {
	f := strings.Split(args, ",")
	n, err := strconv.ParseUint(strings.TrimSpace(f[len(f)-1]), 0, 64)
	return err == nil && n&0x80000 != 0
}

// TestStraceEmbeddedCreators runs the example plugin host (a restricted
// runtime with a deadline: every wait interruptible) under strace -f on a
// plugin that opens a FIFO and collects what it dropped, and checks the
// descriptors made on those paths as TestStraceAtomicCloexec does: the
// O_NONBLOCK open, the waker and the blocking reopen through
// /proc/self/fd of the interruptible FIFO open, and the release of
// dropped files.
func TestStraceEmbeddedCreators(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed: the system-call check is skipped (.ci/run installs it)")
	}
	dir := t.TempDir()
	plugins, data := filepath.Join(dir, "plugins"), filepath.Join(dir, "data")
	for _, d := range []string{plugins, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(data, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	writer, err := os.OpenFile(filepath.Join(data, "fifo"), os.O_RDWR, 0) // a writer: the plugin's open returns
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if err := os.WriteFile(filepath.Join(data, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	plugin := filepath.Join(plugins, "fifo.lua")
	if err := os.WriteFile(plugin, []byte(`
		local f = assert(io.open(DATA .. "/fifo"))
		for i = 1, 10 do io.open(DATA .. "/f"):read("*a") end
		collectgarbage()
		report("opened", "yes")`), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "embed")
	build := exec.Command("go", "build", "-o", bin, "./scripts/examples/embed")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	trace := filepath.Join(dir, "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-o", trace,
		"-e", "trace=open,openat,openat2,creat,pipe,pipe2,dup,dup2,dup3,fcntl,ioctl,socket,eventfd2,epoll_create,epoll_create1,clone,clone3,fork,vfork",
		bin, plugins, data)
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "ptrace") {
		t.Skipf("strace cannot trace here: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "report opened = yes") {
		t.Fatalf("embed under strace: %v\n%s", err, out)
	}
	started, procReopens := false, 0
	for _, c := range parseTrace(t, trace) {
		if c.child {
			continue
		}
		if !started {
			started = strings.Contains(c.args, plugin)
			continue
		}
		if problem := checkCall(c); problem != "" {
			t.Errorf("%s: %s(%s) = %s", problem, c.name, c.args, c.ret)
		}
		if strings.Contains(c.args, `"/proc/self/fd/`) {
			procReopens++
		}
	}
	if !started || procReopens == 0 {
		t.Errorf("the trace lacks the plugin's open (%v) or the FIFO's reopen through /proc/self/fd (%d)", started, procReopens)
	}
}
