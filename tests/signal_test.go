//go:build linux

package tests

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// TestSignalRestricted: a restricted runtime has no signal module unless
// the host grants it with AllowSignals.
func TestSignalRestricted(t *testing.T) {
	r, err := runtime.New()
	if err != nil {
		t.Fatal(err)
	}
	err = r.DoString(context.Background(), `require("signal")`, "")
	r.Close()
	if err == nil || !strings.Contains(err.Error(), "runtime.AllowSignals") {
		t.Fatalf("require(\"signal\") in a restricted runtime: %v, want a refusal naming AllowSignals", err)
	}
	r, err = runtime.New(runtime.AllowSignals())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.DoString(context.Background(), `
		local signal = require("signal")
		local n = 0
		signal.signal(signal.SIGUSR1, function() n = n + 1 end)
		signal.raise_signal(signal.SIGUSR1)
		assert(n == 1, "the handler did not run")
		signal.signal(signal.SIGUSR1, "default")`, "")
	if err != nil {
		t.Fatal(err)
	}
}

// TestSignalTwoRuntimes: two runtimes of one process that handle the same
// signal each run their own handler, and so does the host's own channel;
// a closed runtime no longer receives it, and the other goes on.
func TestSignalTwoRuntimes(t *testing.T) {
	host := make(chan os.Signal, 4)
	signal.Notify(host, syscall.SIGUSR1)
	defer signal.Stop(host)
	var rts [2]*runtime.Runtime
	for i := range rts {
		r, err := runtime.New(runtime.Unrestricted())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rts[i] = r
		err = r.DoString(context.Background(), `
			signal = require("signal")
			time = require("time")
			n = 0
			signal.signal(signal.SIGUSR1, function() n = n + 1 end)`, "")
		if err != nil {
			t.Fatal(err)
		}
	}
	// wait runs a chunk, in which handlers run, until n reaches want.
	wait := func(r *runtime.Runtime, want int) int {
		t.Helper()
		r.LState().SetGlobal("want", lua.LNumber(want))
		err := r.DoString(context.Background(), `
			local t0 = time.monotonic()
			while n < want and time.monotonic() - t0 < 5 do time.sleep(0.01) end`, "")
		if err != nil {
			t.Fatal(err)
		}
		return int(lua.LVAsNumber(r.LState().GetGlobal("n")))
	}
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	for i, r := range rts {
		if n := wait(r, 1); n != 1 {
			t.Errorf("runtime %d ran its handler %d times, want 1", i, n)
		}
	}
	select {
	case <-host:
	case <-time.After(5 * time.Second):
		t.Error("the host's own channel did not receive the signal")
	}
	if err := rts[0].Close(); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	if n := wait(rts[1], 2); n != 2 {
		t.Errorf("after the other runtime closed, the runtime ran its handler %d times, want 2", n)
	}
	<-host
}

// TestSignalHandlerRaises: a handler's error ends the chunk that a host
// runs, as any error does, with the handler's message.
func TestSignalHandlerRaises(t *testing.T) {
	r, err := runtime.New(runtime.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.DoString(context.Background(), `
		local signal = require("signal")
		signal.signal(signal.SIGUSR2, function() error("handler says stop", 0) end)
		local ok, e = pcall(signal.raise_signal, signal.SIGUSR2)
		assert(not ok and e == "handler says stop", tostring(e))
		signal.alarm(0.05)
		signal.signal(signal.SIGALRM, function() error("alarm handler", 0) end)
		while true do end`, "")
	var lerr *runtime.Error
	if !errors.As(err, &lerr) || lerr.Message != "alarm handler" {
		t.Fatalf("a loop stopped by a raising handler: %v, want the handler's error", err)
	}
}

// safeshScript writes lua to a file and starts the safesh command on it,
// with its standard output piped; it returns the command and a reader of
// that output.
func safeshScript(t *testing.T, lua string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "s.lua")
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("safesh", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("stderr: %s", stderr.String())
		}
	})
	return cmd, bufio.NewReader(out)
}

// TestSignalCLI: on the command line, which runs scripts without a
// context, a handler runs in a loop that calls nothing; SIGINT with no
// handler still ends safesh, by SIGINT.
func TestSignalCLI(t *testing.T) {
	cmd, out := safeshScript(t, `
		local signal = require("signal")
		local got
		signal.signal(signal.SIGUSR1, function(n) got = n end)
		print("ready") io.stdout:flush()
		local t0 = os.time()
		while not got and os.time() - t0 < 10 do end
		print("got", got)`)
	if line, _ := out.ReadString('\n'); line != "ready\n" {
		t.Fatalf("safesh printed %q", line)
	}
	cmd.Process.Signal(syscall.SIGUSR1)
	if line, _ := out.ReadString('\n'); line != "got\t10\n" {
		t.Errorf("after SIGUSR1, safesh printed %q, want the handler's signal", line)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("safesh: %v", err)
	}

	cmd, out = safeshScript(t, `print("ready") io.stdout:flush() while true do end`)
	out.ReadString('\n')
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Errorf("SIGINT with no handler: %v, want death by SIGINT", err)
	}
}

// TestTerminateChildren (issue 11, item 10): SIGTERM or SIGHUP to safesh
// reaches the children the script started, in their own process groups
// too; those that ignore it are killed after the grace period, and
// safesh exits with 128 + the signal, leaving no child running. A script
// that handles the signal has it instead.
func TestTerminateChildren(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, out := safeshScript(t, `
				local sp = require("subprocess")
				local a = sp.Popen({"sleep", "60"})
				-- its own session, ignoring the signal, with a child of its own
				local b = sp.Popen({"/bin/sh", "-c", "trap '' TERM HUP; sleep 60 & echo $!; wait"},
					{start_new_session = true, stdout = sp.PIPE})
				local gb = b.stdout:read("*l")
				print(a.pid, b.pid, gb) io.stdout:flush()
				a:wait()
				b:wait()`)
			line, _ := out.ReadString('\n')
			var pids []int
			for _, f := range strings.Fields(line) {
				pid, err := strconv.Atoi(f)
				if err != nil {
					t.Fatalf("safesh printed %q", line)
				}
				pids = append(pids, pid)
			}
			if len(pids) != 3 {
				t.Fatalf("safesh printed %q", line)
			}
			start := time.Now()
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			took := time.Since(start)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("safesh after %v: %v, want exit status %d", sig, err, 128+int(sig))
			}
			if took > 10*time.Second {
				t.Errorf("safesh took %v to end", took)
			}
			for _, pid := range pids {
				deadline := time.Now().Add(5 * time.Second)
				for !gone(pid) && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if !gone(pid) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Errorf("process %d is still running after safesh got %v", pid, sig)
				}
			}
		})
	}
	t.Run("handled", func(t *testing.T) {
		cmd, out := safeshScript(t, `
			local signal = require("signal")
			local sp = require("subprocess")
			local p = sp.Popen({"sleep", "60"})
			local got
			signal.signal(signal.SIGTERM, function(n) got = n end)
			print("ready") io.stdout:flush()
			local t0 = os.time()
			while not got and os.time() - t0 < 10 do require("time").sleep(0.01) end
			print(got, p:poll())
			p:kill() p:wait()`)
		out.ReadString('\n')
		cmd.Process.Signal(syscall.SIGTERM)
		if line, _ := out.ReadString('\n'); line != "15\tnil\n" {
			t.Errorf("with a handler, safesh printed %q, want the signal and a child still running", line)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("safesh: %v", err)
		}
	})
}

// TestSignalREPL: in the interactive session, SIGINT goes to the
// script's handler when it set one, and interrupts the chunk again once
// the handler is back to "default".
func TestSignalREPL(t *testing.T) {
	cmd := exec.Command("safesh", "-i")
	cmd.Stdin = strings.NewReader(`signal = require("signal")
signal.signal(signal.SIGINT, function() got = true end)
os.execute("kill -INT $PPID") t0 = os.time() while not got and os.time() - t0 < 10 do end print("got", got)
signal.signal(signal.SIGINT, "default")
os.execute("kill -INT $PPID") t0 = os.time() while os.time() - t0 < 10 do end print("not interrupted")
print("after")
`)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("safesh -i: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "got\ttrue\n") || !strings.Contains(s, "interrupted") ||
		strings.Contains(s, "not interrupted") || !strings.Contains(s, "after\n") {
		t.Errorf("safesh -i printed:\n%s", s)
	}
}
