//go:build linux

package tests

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// TestInterruptSignalChildDeath: with SetInterruptSignal(SIGINT), a child
// of the chunk that dies of SIGINT interrupts the chunk in the call that
// reaps it, on each route that waits; without it, or for a child of an
// earlier chunk, its death is only a status.
func TestInterruptSignalChildDeath(t *testing.T) {
	calls := map[string]string{
		"os.execute": `os.execute("kill -INT $$")`,
		"run":        `sp.run({"sh", "-c", "kill -INT $$"})`,
		"Popen+wait": `sp.Popen({"sh", "-c", "kill -INT $$"}):wait()`,
		"pipeline":   `sp.pipeline({{"sh", "-c", "kill -INT $$"}, {"cat"}})`,
		"io.popen":   `io.popen("kill -INT $$"):close()`,
	}
	for _, interactive := range []bool{true, false} {
		r, err := runtime.New(runtime.Unrestricted())
		if err != nil {
			t.Fatal(err)
		}
		if interactive {
			r.SetInterruptSignal(os.Interrupt)
		}
		if err := r.DoString(context.Background(), `sp = require("subprocess")`, "setup"); err != nil {
			t.Fatal(err)
		}
		for name, call := range calls {
			r.LState().SetGlobal("n", lua.LNumber(0))
			err := r.DoString(context.Background(), `for i = 1, 3 do `+call+` n = n + 1 end`, name)
			n := r.LState().GetGlobal("n")
			switch {
			case interactive && (err == nil || !strings.Contains(err.Error(), "interrupted")):
				t.Errorf("%s: a child's death of SIGINT did not interrupt the chunk: %v", name, err)
			case interactive && lua.LVAsNumber(n) != 0:
				t.Errorf("%s: the chunk went on %v times after its child died of SIGINT", name, n)
			case !interactive && (err != nil || lua.LVAsNumber(n) != 3):
				t.Errorf("%s: without SetInterruptSignal a child's death of SIGINT is a status, got %v after %v rounds", name, err, n)
			}
		}
		// A child of an earlier chunk is not this chunk's interrupt.
		if err := r.DoString(context.Background(), `early = sp.Popen({"sh", "-c", "kill -INT $$"})`, "early"); err != nil {
			t.Fatal(err)
		}
		if err := r.DoString(context.Background(), `assert(early:wait() == -2)`, "later"); err != nil {
			t.Errorf("interactive=%v: reaping an earlier chunk's child interrupted the chunk: %v", interactive, err)
		}
		r.Close()
	}
}

// TestCancelKillsGrandchildren: a cancelled chunk's children are killed
// with their trees: a shell's child that ignores the signals a shell
// would pass on is not left running.
func TestCancelKillsGrandchildren(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithGracePeriod(0))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("PIDFILE", lua.LString(pidFile))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		deadline := time.Now().Add(replTimeout)
		for time.Now().Before(deadline) {
			if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	err = r.DoString(ctx, `os.execute("trap '' INT TERM; sleep 30 & echo $! > " .. PIDFILE .. "; wait")`, "tree")
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("not interrupted: %v", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if !goneSoon(pid) {
		killPid(pid)
		t.Fatalf("the grandchild %d outlived the cancelled chunk", pid)
	}
}

// TestCancelKillsForkingTree: a cancelled chunk's child that keeps
// forking while it is killed leaves no process behind: the tree is frozen
// before it is killed.
func TestCancelKillsForkingTree(t *testing.T) {
	const marker = "31.41592" // sleep's argument, to find the grandchildren by
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithGracePeriod(0))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for round := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(50+20*round)*time.Millisecond)
		err = r.DoString(ctx, `os.execute("trap '' INT TERM; i=0; while [ $i -lt 2000 ]; do sleep `+marker+` & i=$((i+1)); done; wait")`, "forking")
		cancel()
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("not interrupted: %v", err)
		}
		if left := sleepers(marker); len(left) > 0 {
			for _, pid := range left {
				killPid(pid)
			}
			t.Fatalf("round %d: %d grandchildren outlived the cancelled chunk", round, len(left))
		}
	}
}

// sleepers returns the processes running "sleep arg" that are still
// alive once those killed have had a moment to die.
func sleepers(arg string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && string(b) == "sleep\x00"+arg+"\x00" && !goneSoon(pid) {
			out = append(out, pid)
		}
	}
	return out
}
