//go:build linux

package tests

import (
	"os/exec"
	"strings"
	"testing"
)

// TestREPLHelp checks help() in a real session on a terminal: by value,
// by name and for a module; and that a script has no help.
func TestREPLHelp(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	tm.send("help(os.open)" + keyEnter)
	tm.expect(`(?m)^os\.open\(path, flags \[, mode\]\) → fd\n  opens a file .*\n  docs/os\.md#descriptor-calls$`)
	tm.prompt()
	tm.send(`help("subprocess.run")` + keyEnter)
	tm.expect(`(?m)^subprocess\.run\(args \[, opts\]\) → \{args=, returncode=, stdout=, stderr=\}\n  runs a program`)
	tm.prompt()
	tm.send(`socket = require("socket") help(socket)` + keyEnter)
	tm.expect(`(?m)^socket — docs/socket\.md\n  socket\.socket\(`)
	tm.expect(`(?m)^  sock:getpeername\(\) → host, port or path — the peer's address$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("Ctrl-D: exit status %d, want 0\n%s", status, tm.transcript())
	}

	out, err := exec.Command("safesh", "-e", "print(help)").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "nil" {
		t.Errorf("a script's help: %v %q, want nil", err, out)
	}
}
