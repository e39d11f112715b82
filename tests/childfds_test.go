//go:build linux

package tests

import (
	"context"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// childReport is a python3 child that prints, for each descriptor it
// holds, "fd:kind", where kind is what fstat says (pipe, sock, reg, chr),
// and for a socket whether it listens: what the child really received.
const childReport = `
import os, stat, socket
out = []
for fd in sorted(int(x) for x in os.listdir("/proc/self/fd")):
    try:
        m = os.fstat(fd).st_mode
    except OSError:
        continue
    if stat.S_ISFIFO(m): k = "pipe"
    elif stat.S_ISSOCK(m): k = "sock"
    elif stat.S_ISREG(m): k = "reg"
    elif stat.S_ISCHR(m): k = "chr"
    else: k = "other"
    out.append("%d:%s" % (fd, k))
with open(os.environ["REPORT"], "a") as f:
    f.write(" ".join(out) + "\n")
`

// runSafeshScript runs a Lua script with safesh under /bin/sh with the
// given redirections, and returns what the python3 child reported.
func runChildScript(t *testing.T, lua, redir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	py := filepath.Join(dir, "report.py")
	report := filepath.Join(dir, "report")
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(py, []byte(childReport), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", append([]string{"-c", "exec safesh \"$@\" " + redir, "sh", script, py}, args...)...)
	cmd.Env = append(os.Environ(), "REPORT="+report, "PATH="+realPythonDir(t)+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("safesh %s: %v\n%s", redir, err, out)
	}
	got, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report from the child: %v (safesh said %q)", err, out)
	}
	return strings.TrimSpace(string(got))
}

// realPythonDir is the directory of python3's own executable, not of a
// wrapper script (pyenv's shim) that would hold descriptors of its own.
func realPythonDir(t *testing.T) string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Skip("python3 does not run:", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// TestChildFdsAtNumbers gives a python3 child a socket as fd 3 (the Go
// runtime's own epoll descriptor in the parent), a pipe as 7 and a pass fd,
// and checks from the child's side that it holds exactly those.
func TestChildFdsAtNumbers(t *testing.T) {
	got := runChildScript(t, `
local sp = require("subprocess")
local socket = require("socket")
local py = ...
local a, b = socket.socketpair()
local r, w = os.pipe()
local f = io.open("/dev/null")
local pass = os.dup(w)
local p = assert(sp.Popen({"python3", py}, {fds = {[3] = a, [7] = r}, pass_fds = {pass}}))
assert(p:wait() == 0)
print(pass)
`, "")
	if !strings.HasPrefix(got, "0:") || !strings.Contains(got, " 3:sock ") || !strings.Contains(got, " 7:pipe") {
		t.Fatalf("child holds %q; want 0-2, 3:sock, 7:pipe and the pass fd", got)
	}
	if n := len(strings.Fields(got)); n != 6 {
		t.Fatalf("child holds %q: %d descriptors, want 6", got, n)
	}
}

// TestChildFdsSwap swaps two descriptors into numbers that each other
// occupy in the parent.
func TestChildFdsSwap(t *testing.T) {
	got := runChildScript(t, `
local sp = require("subprocess")
local socket = require("socket")
local py = ...
local a = os.dup2(socket.socketpair():fileno(), 20)
local r, w = os.pipe()
local b = os.dup2(r, 21)
local p = assert(sp.Popen({"python3", py}, {fds = {[20] = b, [21] = a}}))
assert(p:wait() == 0)
`, "")
	if !strings.Contains(got, "20:pipe") || !strings.Contains(got, "21:sock") || len(strings.Fields(got)) != 5 {
		t.Fatalf("child holds %q; want 0-2, 20:pipe, 21:sock", got)
	}
}

// TestDefaultStdioNotLeaked closes the script's fd 0, 1 or 2, lets a
// close-on-exec pipe, file or socket land there, and starts a child with
// default stdio: the child must get that slot closed, never safesh's
// private descriptor. A redirection still fills it.
func TestDefaultStdioNotLeaked(t *testing.T) {
	for _, fd := range []string{"0", "1", "2"} {
		for _, kind := range []string{"pipe", "file", "socket"} {
			t.Run(fd+"/"+kind, func(t *testing.T) {
				got := runChildScript(t, `
local sp = require("subprocess")
local socket = require("socket")
local py, fd, kind = ...
fd = tonumber(fd)
os.close(fd)
local keep
if kind == "pipe" then keep = {os.pipe()}
elseif kind == "file" then keep = {io.open("/dev/null")}
else keep = {socket.socketpair()} end
local p = assert(sp.Popen({"python3", py}))
p:wait()
local q = assert(sp.Popen({"python3", py}, {stdin = sp.DEVNULL, stdout = sp.DEVNULL, stderr = sp.DEVNULL}))
q:wait()
`, "", fd, kind)
				lines := strings.Split(got, "\n")
				if len(lines) != 2 {
					t.Fatalf("reports %q; want two", got)
				}
				if strings.Contains(" "+lines[0], " "+fd+":") {
					t.Errorf("default stdio: child got fd %s (%s); want it closed", fd, lines[0])
				}
				if want := "0:chr 1:chr 2:chr"; lines[1] != want {
					t.Errorf("redirected: child holds %q; want %q", lines[1], want)
				}
			})
		}
	}
}

// TestClosedStdAtStart runs safesh with 0, 1 or 2 (or two of them) closed
// by its parent, as a daemon started with <&- is. The Go runtime puts
// /dev/null there at start-up (safer than a closed slot, which a later
// descriptor would take), so every spawn works: with default stdio, and
// with every stream redirected.
func TestClosedStdAtStart(t *testing.T) {
	for _, redir := range []string{"0<&-", "1>&-", "2>&-", "0<&- 1>&-", "0<&- 2>&-", "1>&- 2>&-"} {
		t.Run(redir, func(t *testing.T) {
			got := runChildScript(t, `
local sp = require("subprocess")
local py = ...
assert(sp.Popen({"python3", py})):wait()
assert(sp.Popen({"python3", py}, {stdin = sp.PIPE, stdout = sp.PIPE, stderr = sp.PIPE})):communicate()
assert(sp.run({"python3", py}, {stdin = sp.DEVNULL, stdout = sp.DEVNULL, stderr = sp.STDOUT}))
`, redir)
			lines := strings.Split(got, "\n")
			if len(lines) != 3 {
				t.Fatalf("reports %q; want three", got)
			}
			for _, closed := range strings.Fields(redir) {
				fd := closed[:1]
				if !strings.Contains(" "+lines[0]+" ", " "+fd+":chr ") {
					t.Errorf("default stdio: child holds %q; want /dev/null at %s", lines[0], fd)
				}
			}
			if want := "0:pipe 1:pipe 2:pipe"; lines[1] != want {
				t.Errorf("pipes: child holds %q; want %q", lines[1], want)
			}
		})
	}
}

// TestRestrictedChdirChildren checks that after a restricted os.chdir,
// which changes the scripts' directory and not the process's, children
// start in the scripts' directory too, and a relative cwd is taken from it.
func TestRestrictedChdirChildren(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := runtime.New(runtime.AllowRun("/bin/pwd"), runtime.AllowRead(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fn, err := r.LState().LoadString(`
		local sp = require("subprocess")
		assert(os.chdir(... .. "/sub"))
		return sp.check_output({"/bin/pwd"}), sp.check_output({"/bin/pwd"}, {cwd = "deeper"})`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Call(context.Background(), fn, lua.LString(dir))
	if err != nil {
		t.Fatal(describe(err))
	}
	if got, want := strings.TrimSpace(lua.LVAsString(res[0])), filepath.Join(dir, "sub"); got != want {
		t.Errorf("child started in %q; want the script's directory %q", got, want)
	}
	if got, want := strings.TrimSpace(lua.LVAsString(res[1])), filepath.Join(dir, "sub", "deeper"); got != want {
		t.Errorf("cwd = \"deeper\": child started in %q; want %q", got, want)
	}
}

// TestProcessGroupAndEnvExtra checks process_group and env_extra from a
// python3 child's side: its own group (pgid = pid), an existing group
// joined, and variables merged over the environment and over env.
func TestProcessGroupAndEnvExtra(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	lua := `
local sp = require("subprocess")
local py = {"python3", "-c", "import os; print(os.getpgid(0) == os.getpid(), os.getpgid(0), os.environ.get('A'), os.environ.get('HOME') is not None, os.environ.get('B'))"}
local own = sp.Popen(py, {process_group = 0, stdout = sp.PIPE, env_extra = {A = "1"}})
local out = own:communicate()
local leader = tonumber(out:match("True (%d+)"))
assert(leader == own.pid, out)
print(out)
local sleeper = sp.Popen({"sleep", "5"}, {process_group = 0})
local join = sp.run(py, {process_group = sleeper.pid, capture_output = true, env = {B = "2"}, env_extra = {A = "3"}})
sleeper:kill() sleeper:wait()
print(join.stdout, sleeper.pid)
`
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("safesh", script).CombinedOutput()
	if err != nil {
		t.Fatalf("safesh: %v\n%s", err, out)
	}
	lines := strings.Fields(string(out))
	if len(lines) != 11 || lines[0] != "True" || lines[2] != "1" || lines[3] != "True" || lines[4] != "None" {
		t.Fatalf("own group: %q", out)
	}
	if lines[5] != "False" || lines[6] != lines[10] || lines[7] != "3" || lines[8] != "False" || lines[9] != "2" {
		t.Fatalf("joined group %s: %q", lines[10], out)
	}
}
