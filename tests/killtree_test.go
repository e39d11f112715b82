//go:build linux

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// gone reports whether pid has ended: no such process, or a zombie that
// its new parent has not reaped yet.
func gone(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && strings.HasPrefix(strings.TrimSpace(s[i+1:]), "Z")
}

// TestKillTree starts children whose grandchildren outlive them (one that
// double-forked, which /proc no longer shows under the child, and one that
// stays its child) and checks by pid that kill_tree, terminate_tree and
// run's timeout leave none of them running.
func TestKillTree(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	lua := `
local sp = require("subprocess")
local function grandchild(p)
  local line = p.stdout:read("l")
  return assert(tonumber(line), line)
end
-- a double fork in its own group: kill_tree kills the group
local a = sp.Popen({"/bin/sh", "-c", "(sleep 60 & echo $!) ; exec sleep 60"}, {process_group = 0, stdout = sp.PIPE})
local ga = grandchild(a)
assert(a:kill_tree())
a:wait()
-- a grandchild that stays the child's: found through /proc
local b = sp.Popen({"/bin/sh", "-c", "sleep 60 & echo $!; wait"}, {stdout = sp.PIPE})
local gb = grandchild(b)
assert(b:terminate_tree())
b:wait()
-- run's timeout kills the tree
local f = os.tmpname()
local ok, err = pcall(sp.run, {"/bin/sh", "-c", "(sleep 60 & echo $! > " .. f .. ") ; exec sleep 60"}, {process_group = 0, timeout = 0.5})
assert(not ok and tostring(err):find("timed out"), tostring(err))
local gc = tonumber(io.open(f):read("l"))
print(ga, gb, gc)
`
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("safesh", script).CombinedOutput()
	if err != nil {
		t.Fatalf("safesh: %v\n%s", err, out)
	}
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("safesh printed %q", out)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !gone(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if !gone(pid) {
			exec.Command("kill", "-9", f).Run()
			t.Errorf("grandchild %d is still running", pid)
		}
	}
}
