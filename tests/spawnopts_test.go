//go:build linux

package tests

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// runSafeshScript runs the Lua script code with safesh and returns its output.
func runSafeshScript(t *testing.T, code string) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "s.lua")
	if err := os.WriteFile(script, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("safesh", script).CombinedOutput()
	if err != nil {
		t.Fatalf("safesh: %v\n%s", err, out)
	}
	return string(out)
}

// pySelf is a python3 child that prints what it was started with.
const pySelf = `local PY = {"/usr/bin/python3", "-c", [[
import os, resource, ctypes
m = os.umask(0)
v = ctypes.c_int()
ctypes.CDLL(None).prctl(2, ctypes.byref(v))
print(oct(m), resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_CORE), v.value, os.getuid(), os.getgid(), sorted(os.getgroups()))
]]}
`

func needPython3(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("/usr/bin/python3 is not installed")
	}
}

// TestSpawnImageOptions checks umask, rlimits and pdeathsig from the
// child's side, through Popen, run, io.popen and os.execute.
func TestSpawnImageOptions(t *testing.T) {
	needPython3(t)
	out := runSafeshScript(t, pySelf+`
local sp = require("subprocess")
local opts = {umask = "027", rlimits = {nofile = {64, 128}, core = 0}, pdeathsig = "SIGTERM", stdout = sp.PIPE}
local p = sp.Popen(PY, opts)
io.write("popen ", (p:communicate()))
opts.stdout = nil opts.capture_output = true
io.write("run ", sp.run(PY, opts).stdout)
local f = io.popen("exec /usr/bin/python3 -c 'import os, resource; print(oct(os.umask(0)), resource.getrlimit(resource.RLIMIT_NOFILE))'", "r",
  {umask = 63, rlimits = {nofile = 70}})
io.write("io.popen ", f:read("*a")) f:close()
io.stdout:flush()
os.execute("echo os.execute $(umask) $(ulimit -Sn) $(ulimit -Hn)", {umask = "077", rlimits = {nofile = {30, 40}}})
`)
	want := []string{
		"popen 0o27 (64, 128) (0, 0) 15 ",
		"run 0o27 (64, 128) (0, 0) 15 ",
		"io.popen 0o77 (70, 70)",
		"os.execute 0077 30 40",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
	if strings.Contains(out, "0o27 (64, 128) (0, 0) 0") {
		t.Errorf("pdeathsig not set:\n%s", out)
	}
}

// TestSpawnRestoreSignalsChild checks restore_signals from the child's
// side, through a runtime in this process, which ignores SIGPIPE and
// SIGXFSZ as a host may: a child gets them back at their default action
// unless restore_signals = false.
func TestSpawnRestoreSignalsChild(t *testing.T) {
	signal.Ignore(syscall.SIGPIPE, syscall.SIGXFSZ)
	defer signal.Reset(syscall.SIGPIPE, syscall.SIGXFSZ)
	grep, err := exec.LookPath("grep")
	if err != nil {
		t.Skip("no grep")
	}
	grep, _ = filepath.EvalSymlinks(grep)
	r, err := runtime.New(runtime.AllowRun(grep), runtime.AllowRead("/proc"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("GREP", lua.LString(grep))
	fn, err := r.LState().LoadString(`
local sp = require("subprocess")
local function ign(opts)
  opts.capture_output = true
  local s = assert(sp.run({GREP, "SigIgn", "/proc/self/status"}, opts)).stdout
  local mask = tonumber(s:match("SigIgn:%s*(%x+)"), 16)
  -- bit 12: SIGPIPE, bit 24: SIGXFSZ
  return tostring(math.floor(mask / 4096) % 2 == 1) .. "," .. tostring(math.floor(mask / 16777216) % 2 == 1)
end
return "default " .. ign({}) .. " kept " .. ign({restore_signals = false}) .. " reset " .. ign({restore_signals = true})`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Call(context.Background(), fn)
	if err != nil {
		t.Fatal(describe(err))
	}
	if got := res[0].String(); got != "default false,false kept true,true reset false,false" {
		t.Fatalf("SIGPIPE,SIGXFSZ ignored in the child: %q", got)
	}
}

// TestSpawnUserGroup checks user, group and extra_groups from the
// child's side, as root; unprivileged, only the refusal (EPERM).
func TestSpawnUserGroup(t *testing.T) {
	needPython3(t)
	if os.Geteuid() != 0 {
		out := runSafeshScript(t, pySelf+`
local sp = require("subprocess")
print(sp.Popen(PY, {user = 0}))
`)
		if !strings.Contains(out, "nil\tsetuid: operation not permitted\t1") {
			t.Fatalf("unprivileged: %q; want EPERM", out)
		}
		t.Skip("not root: the identity changes are checked only as root")
	}
	out := runSafeshScript(t, pySelf+`
local sp = require("subprocess")
local function run(opts) opts.capture_output = true local r = sp.run(PY, opts) return r.stdout .. r.stderr end
io.write("user ", run({user = "nobody"}))
io.write("ids ", run({user = 65534, group = 100, extra_groups = {"daemon", 5}}))
io.write("group ", run({group = "users"}))
io.write("pdeathsig ", run({user = "nobody", pdeathsig = 9}))
print(sp.Popen(PY, {user = "no-such-user-at-all"}))
print(sp.Popen(PY, {group = "no-such-group-at-all"}))
`)
	for _, w := range []string{
		"user 0o22 ", " 0 65534 65534 []\n", // the user's primary group, no groups of root's
		"ids ", " 65534 100 [1, 5]\n",
		"group ", " 0 0 100 [", // only the group changes
		"pdeathsig ", " 9 65534 65534 []\n", // set after setuid, which would clear it
		"spawn: user \"no-such-user-at-all\": no such user\t22",
		"spawn: group \"no-such-group-at-all\": no such group\t22",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
}

// TestWaitDelay checks that run and communicate return after wait_delay
// when a grandchild holds the pipes, with what was written before, and
// that without it they wait for the pipes' end.
func TestWaitDelay(t *testing.T) {
	out := runSafeshScript(t, `
local sp = require("subprocess")
local time = require("time")
local t0 = time.monotonic()
local r = sp.run({"sh", "-c", "echo before; sleep 3 & exit 7"}, {capture_output = true, wait_delay = 0.2})
print("run", r.returncode, r.stdout:gsub("\n", ""), time.monotonic() - t0 < 2)
t0 = time.monotonic()
local p = sp.Popen({"sh", "-c", "echo two; (sleep 0.1; echo late; sleep 3) & exit 0"}, {stdout = sp.PIPE, stderr = sp.DEVNULL, wait_delay = 1})
local o = p:communicate()
print("communicate", p.returncode, (o:gsub("\n", " ")), time.monotonic() - t0 < 2.5)
t0 = time.monotonic()
r = sp.run({"sh", "-c", "echo slow; sleep 1 & exit 0"}, {capture_output = true})
print("none", r.stdout:gsub("\n", ""), time.monotonic() - t0 >= 0.9)
t0 = time.monotonic()
local ok, e = pcall(sp.run, {"sh", "-c", "echo killed; sleep 5"}, {capture_output = true, timeout = 0.3, wait_delay = 0.2})
print("timeout", ok, e.stdout, time.monotonic() - t0 < 2)
t0 = time.monotonic()
r = sp.pipeline({{"echo", "piped"}, {"sh", "-c", "cat; sleep 3 & exit 3"}}, {capture_output = true, wait_delay = 0.2})
print("pipeline", r.returncodes[1], r.returncodes[2], r.stdout:gsub("\n", ""), time.monotonic() - t0 < 2)
t0 = time.monotonic()
ok, e = pcall(sp.pipeline, {{"echo", "x"}, {"sh", "-c", "cat; sleep 5"}}, {capture_output = true, timeout = 0.3, wait_delay = 0.2})
print("pipeline timeout", ok, e.stdout, time.monotonic() - t0 < 2)
`)
	for _, w := range []string{"run\t7\tbefore\ttrue", "communicate\t0\ttwo late \ttrue", "none\tslow\ttrue", "timeout\tfalse\tkilled\n\ttrue",
		"pipeline\t0\t3\tpiped\ttrue", "pipeline timeout\tfalse\tx\n\ttrue"} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
}

// TestRestrictedChildOptions checks what a restricted runtime may still
// do: lower a child's limits and set its umask.
func TestRestrictedChildOptions(t *testing.T) {
	r, err := runtime.New(runtime.AllowRun("/bin/sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fn, err := r.LState().LoadString(`
local sp = require("subprocess")
local r = assert(sp.run({"/bin/sh", "-c", "echo $(umask) $(ulimit -Sn)"}, {capture_output = true, umask = "077", rlimits = {nofile = 32}}))
return r.stdout`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Call(context.Background(), fn)
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(res) != 1 || res[0].String() != "0077 32\n" {
		t.Fatalf("got %v; want 0077 32", res)
	}
}

// TestPdeathsigWhenSafeshDies kills safesh and checks that the child it
// started with pdeathsig is gone too, and that one started without it is
// not.
func TestPdeathsigWhenSafeshDies(t *testing.T) {
	cmd := exec.Command("safesh", "-e", `
local sp = require("subprocess")
local a = sp.Popen({"sleep", "30"}, {pdeathsig = "KILL"})
local b = sp.Popen({"sleep", "30"}, {start_new_session = true})
print(a.pid, b.pid)
io.stdout:flush()
sp.call({"sleep", "30"}, {pdeathsig = "KILL"})`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var a, b int
	if _, err := fmt.Fscan(stdout, &a, &b); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	defer syscall.Kill(b, syscall.SIGKILL)
	cmd.Process.Kill()
	cmd.Wait()
	alive := func(pid int) bool {
		// An orphan is reparented and reaped by init (or a subreaper):
		// gone, or a zombie on its way out.
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return err == nil && !strings.Contains(string(data), ") Z ")
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(a) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(a) {
		syscall.Kill(a, syscall.SIGKILL)
		t.Fatalf("the child with pdeathsig (pid %d) outlived safesh", a)
	}
	if !alive(b) {
		t.Fatalf("the child without pdeathsig (pid %d) died with safesh: the test proves nothing", b)
	}
}
