//go:build linux

package tests

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/safesh/safesh/runtime"
)

// TestMonotonicIsClockMonotonic checks that time.monotonic_ns reads the
// system's CLOCK_MONOTONIC, as Python's time.monotonic_ns does: a reading
// by python3 between two of safesh's falls between them.
func TestMonotonicIsClockMonotonic(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	r, err := runtime.New(runtime.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	value := func() int64 {
		fn, _ := r.LState().LoadString(`return string.format("%d", require("time").monotonic_ns())`)
		res, err := r.Call(context.Background(), fn)
		if err != nil {
			t.Fatal(describe(err))
		}
		n, err := strconv.ParseInt(res[0].String(), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := value()
	out, err := exec.Command(python, "-c", "import time; print(time.monotonic_ns())").Output()
	if err != nil {
		t.Fatal(err)
	}
	after := value()
	py, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if py < before || py > after {
		t.Fatalf("python3 read %d, not between safesh's %d and %d", py, before, after)
	}
}

// TestREPLCtrlCInterruptsSleep presses Ctrl-C while a chunk sleeps in the
// REPL: the chunk is interrupted at once, and the REPL goes on.
func TestREPLCtrlCInterruptsSleep(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	tm.send(`time = require("time") print('sleep' .. 'ing') time.sleep(30) print('not ' .. 'interrupted')` + keyEnter)
	tm.expect(`(?m)^sleeping$`)
	tm.interrupt()
	tm.send("print(1 + 1)" + keyEnter)
	tm.expect(`(?m)^2$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
	if strings.Contains(tm.transcript(), "not interrupted") {
		t.Fatal("the sleep was not interrupted")
	}
}
