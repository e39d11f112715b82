//go:build linux

package tests

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestScriptCtrlC: Ctrl-C while `safesh script.lua` runs is answered as a
// shell answers it while it runs a script: a child the script waits for
// decides (one that ignores SIGINT lets the script go on once it ends;
// one that dies of it ends safesh by SIGINT, and nothing after the call
// runs), and with no child waited for safesh ends by SIGINT at once.
func TestScriptCtrlC(t *testing.T) {
	cases := []struct {
		name, script string
		killed       bool   // safesh ends by SIGINT
		after        string // what must be shown after Ctrl-C, before the end
	}{
		{"os.execute, child ignores", `os.execute("trap '' INT; echo wai''ting; sleep 1; echo child-done") print("af" .. "ter")`, false, `(?m)child-done\nafter$`},
		{"run, child ignores", `require("subprocess").run({"sh", "-c", "trap '' INT; echo wai''ting; sleep 1; echo child-done"}) print("af" .. "ter")`, false, `(?m)child-done\nafter$`},
		{"os.execute, child dies", `for i = 1, 3 do os.execute("echo wai''ting; exec sleep 30") print("af" .. "ter") end`, true, ""},
		{"Popen+wait, child dies", `for i = 1, 3 do require("subprocess").Popen({"sh", "-c", "echo wai''ting; exec sleep 30"}):wait() print("af" .. "ter") end`, true, ""},
		{"no child", `print("wai" .. "ting") while true do end`, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			script := filepath.Join(dir, "s.lua")
			if err := os.WriteFile(script, []byte(c.script+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			tm := startTerm(t, dir, script)
			tm.expect(`(?m)^waiting$`)
			tm.send(keyCtrlC)
			if c.after != "" {
				tm.expect(c.after)
			}
			tm.waitEnd()
			var exit *exec.ExitError
			signalled := errors.As(tm.status, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() &&
				exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGINT
			if signalled != c.killed {
				t.Errorf("ended by SIGINT: %v, want %v (%v)\n%s", signalled, c.killed, tm.status, tm.transcript())
			}
			if !c.killed && tm.status != nil {
				t.Errorf("exit: %v\n%s", tm.status, tm.transcript())
			}
			s, _ := tm.screen()
			if c.killed && strings.Contains(s, "after") {
				t.Errorf("the script went on after Ctrl-C\n%s", tm.transcript())
			}
		})
	}
}

// waitEnd waits for safesh to end, whatever its status.
func (tm *term) waitEnd() {
	tm.t.Helper()
	select {
	case <-tm.exited:
	case <-time.After(replTimeout):
		tm.t.Fatalf("safesh did not end\n%s", tm.transcript())
	}
	// What it printed last may still be on its way from the terminal.
	time.Sleep(20 * time.Millisecond)
}

// TestScriptChildSignalsItself: a child that dies of a SIGINT it sent
// itself, with no Ctrl-C and no SIGINT for safesh, is only a status: the
// script goes on, as after `sh -c 'kill -INT $$'; echo after` in sh.
func TestScriptChildSignalsItself(t *testing.T) {
	out, err := exec.Command("safesh", "-e", `
		local r = require("subprocess").run({"sh", "-c", "kill -INT $$"})
		print("rc", r.returncode)
		print(os.execute("kill -INT $$"))
		print("after")`).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "rc\t-2\n") || !strings.HasSuffix(string(out), "after\n") {
		t.Fatalf("safesh: %v\n%s", err, out)
	}
}
