//go:build linux

package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/safesh/safesh/internal/fdtest"
)

// pyImage is a python3 program that prints, as the new image, what
// os.exec gave it: umask, limits, IDs (saved ones included), the
// signals it ignores, and a variable.
const pyImage = `local PY = {"/usr/bin/python3", "-c", [[
import os, resource
m = os.umask(0)
ign = [l.split()[1] for l in open("/proc/self/status") if l.startswith("SigIgn:")][0]
print(oct(m), resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_CORE),
      os.getresuid(), os.getresgid(), sorted(os.getgroups()), int(ign, 16) >> 9 & 1, os.environ.get("EXTRA"))
]]}
`

// TestExecImageOptions checks umask, rlimits, env_extra and
// restore_signals = false from the side of the program os.exec runs.
func TestExecImageOptions(t *testing.T) {
	needPython3(t)
	out := runSafeshCommand(t, pyImage+`
		local signal = require("signal")
		signal.signal(signal.SIGUSR1, "ignore")
		os.exec(PY, {umask = "027", rlimits = {nofile = {64, 128}, core = 0}, env_extra = {EXTRA = "merged"}, restore_signals = false})
	`)
	// SIGUSR1 is 10: bit 9 of SigIgn.
	if !strings.HasPrefix(out, "0o27 (64, 128) (0, 0) ") || !strings.HasSuffix(out, " 1 merged\n") {
		t.Fatalf("the new image: %q", out)
	}
	out = runSafeshCommand(t, pyImage+`
		local signal = require("signal"); signal.signal(signal.SIGUSR1, "ignore")
		os.exec(PY)
	`)
	if !strings.HasSuffix(out, " 0 None\n") {
		t.Fatalf("by default a signal the script ignores is at its default in the new image: %q", out)
	}
}

// TestExecCredential checks user, group and extra_groups as root: the
// new image has them as its real, effective and saved IDs, so that it
// cannot go back to root. Unprivileged, they give EPERM.
func TestExecCredential(t *testing.T) {
	needPython3(t)
	if os.Geteuid() != 0 {
		out := runSafeshCommand(t, `
			local ok, msg, errno = os.exec({"/bin/true"}, {user = 0})
			print(ok, errno == os.errno.EPERM, msg)
		`)
		if !strings.HasPrefix(out, "nil\ttrue\t") {
			t.Fatalf("unprivileged: %q; want EPERM", out)
		}
		t.Skip("not root: only the refusal is checked")
	}
	out := runSafeshCommand(t, pyImage+`
		os.exec(PY, {user = 65534, group = 65534, extra_groups = {100}})
	`)
	if want := " (65534, 65534, 65534) (65534, 65534, 65534) [100] 0 None\n"; !strings.HasSuffix(out, want) {
		t.Fatalf("the new image: %q; want IDs and groups%s", out, want)
	}
}

// TestExecFds checks fds and pass_fds from the new image's side: fd 3
// (the Go runtime's own in safesh, since the move is made in a thread
// whose descriptor table is its own) and 9 get the given files, a
// close-on-exec descriptor in pass_fds keeps its number, and nothing else
// comes through.
func TestExecFds(t *testing.T) {
	dir := t.TempDir()
	out := runSafeshCommand(t, `
		local dir = arg[1]
		local a = assert(os.open(dir .. "/a", "w"))
		local b = assert(os.open(dir .. "/b", "w"))
		local c = assert(os.open(dir .. "/c", "w"))
		for i = 1, 5 do assert(os.open(dir .. "/other" .. i, "w")) end
		os.exec({"lsfds"}, {fds = {[3] = a, [9] = b}, pass_fds = {c}})
	`, dir)
	fds, err := fdtest.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	want := childBaseline(t)
	if fds[3].Target != filepath.Join(dir, "a") || fds[9].Target != filepath.Join(dir, "b") {
		t.Fatalf("fds 3 and 9: %q %q\n%s", fds[3].Target, fds[9].Target, out)
	}
	passed := -1
	for fd, f := range fds {
		switch {
		case f.Target == filepath.Join(dir, "c"):
			passed = fd
		case fd == 3 || fd == 9:
		case want[fd].Target == "" && fd > 2:
			t.Errorf("the new image has fd %d (%s), which it was not given", fd, f.Target)
		}
	}
	if passed < 0 {
		t.Errorf("the pass_fds descriptor did not come through:\n%s", out)
	}
}

// TestExecOptionsFailure checks that a failed os.exec with every option
// leaves the process as it was: umask, limits, directory, descriptors
// (their numbers and flags), signal dispositions.
func TestExecOptionsFailure(t *testing.T) {
	dir := t.TempDir()
	out := runSafeshCommand(t, `
		local dir = arg[1]
		local function slurp(p) local f = assert(io.open(p)); local s = f:read("*a"); f:close(); return s end
		local function fdstate()
			local t = {}
			for _, e in ipairs(os.fds()) do t[#t + 1] = e.fd .. ":" .. tostring(e.inheritable) .. ":" .. tostring(e.target) end
			table.sort(t)
			return table.concat(t, " ")
		end
		local function sigign() return slurp("/proc/self/status"):match("SigIgn:%s*(%x+)") end
		local signal = require("signal"); signal.signal(signal.SIGUSR1, "ignore")
		local a = assert(os.open(dir .. "/a", "w"))
		local c = assert(os.open(dir .. "/c", "w"))
		local mask = os.umask(18); os.umask(mask)
		local limits, fds, cwd, ign = slurp("/proc/self/limits"), fdstate(), os.getcwd(), sigign()
		local ok, msg, errno = os.exec({"/nonexistent/prog"}, {umask = "077", rlimits = {nofile = {50, 60}, fsize = 1000, core = 0},
			fds = {[3] = a, [20] = c}, pass_fds = {c}, cwd = "/", restore_signals = false})
		assert(ok == nil and errno == os.errno.ENOENT, tostring(msg))
		local now = os.umask(18); os.umask(now)
		assert(now == mask, "umask " .. now)
		assert(slurp("/proc/self/limits") == limits, "limits changed:\n" .. slurp("/proc/self/limits"))
		assert(fdstate() == fds, "descriptors changed:\n" .. fds .. "\n" .. fdstate())
		assert(os.getcwd() == cwd, "cwd " .. os.getcwd())
		assert(sigign() == ign, "SigIgn " .. sigign() .. " was " .. ign)
		local f = assert(io.open(dir .. "/big", "w")); assert(f:write(string.rep("x", 5000))); f:close()
		print("unchanged")
	`, dir)
	if out != "unchanged\n" {
		t.Fatalf("got %q", out)
	}
}
