package repl

import (
	"bytes"
	"context"
	"os"
	"os/signal"
	goruntime "runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// TestLateInterrupt: a SIGINT that the Go runtime has taken but not yet
// handed to the session when the chunk it came during ends (as when
// Ctrl-C kills the child a chunk waits for, and the child dies first)
// does not interrupt the next chunk, even one that starts at once.
func TestLateInterrupt(t *testing.T) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	var stdout, stderr bytes.Buffer
	rt, err := runtime.New(runtime.WithStdout(&stdout), runtime.WithStderr(&stderr))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	// sigint() sends SIGINT to its own thread, whose handler has run when
	// the call returns: the signal is in the Go runtime's queue, on its
	// way to sig, as the chunk ends.
	rt.LState().SetGlobal("sigint", rt.LState().NewFunction(func(L *lua.LState) int {
		goruntime.LockOSThread()
		defer goruntime.UnlockOSThread()
		if err := unix.Tgkill(os.Getpid(), unix.Gettid(), syscall.SIGINT); err != nil {
			L.RaiseError("tgkill: %v", err)
		}
		return 0
	}))
	const rounds = 50
	var lines []string
	for range rounds {
		lines = append(lines, "sigint()", "n = 0 for i = 1, 1e4 do n = n + 1 end io.write('.')")
	}
	s, err := New(rt, Config{Input: &scripted{lines: lines}, Stdout: &stdout, Stderr: &stderr, Interrupt: sig})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(stdout.String(), "."); got != rounds {
		t.Errorf("%d of %d chunks after a late SIGINT ran to their end; %d chunks were interrupted",
			got, rounds, strings.Count(stderr.String(), "interrupted"))
	}
}
