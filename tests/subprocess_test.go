//go:build linux

package tests

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// raceScript spawns lsfds with one pass fd, n times, and counts the
// children that got anything but 0, 1, 2 and that fd. Meanwhile the
// runtime itself keeps creating descriptors between spawns.
const raceScript = `
local sp = require("subprocess")
local socket = require("socket")
local n = ...
local pass = os.dup(2)
local bad, first = 0, nil
for i = 1, n do
  -- creators, interleaved with the spawns of other runtimes
  local f = io.open("/dev/null")
  local r, w = os.pipe()
  local a, b = socket.socketpair()
  local inh = os.dup2(w, 200 + (i % 50))   -- inheritable on purpose
  local p = assert(sp.Popen({"lsfds"}, {stdout = sp.PIPE, pass_fds = {pass}}))
  local out = p:communicate()
  local fds = {}
  for fd in out:gmatch("(%d+) ") do fds[#fds + 1] = tonumber(fd) end
  table.sort(fds)
  local got = table.concat(fds, ",")
  if got ~= "0,1,2," .. pass then
    bad = bad + 1
    first = first or got
  end
  f:close() os.close(r) os.close(w) os.close(inh) a:close() b:close()
end
return bad, first or ""
`

// TestSpawnRaceRuntimes runs several runtimes at once, each creating
// files, pipes, sockets and inheritable dups while spawning, plus a host
// goroutine making raw descriptors without close-on-exec: every child must
// hold exactly what it was given. SAFESH_RACE_SPAWNS sets the number of
// spawns per runtime (the long run: 25000 × 4 = 100,000).
func TestSpawnRaceRuntimes(t *testing.T) {
	perRuntime := 100
	if testing.Short() {
		perRuntime = 20
	}
	if s := os.Getenv("SAFESH_RACE_SPAWNS"); s != "" {
		perRuntime, _ = strconv.Atoi(s)
	}
	const runtimes = 4
	stop := make(chan struct{})
	var hostWG sync.WaitGroup
	var hostFds atomic.Int64
	hostWG.Go(func() { // an embedding host that is careless with descriptors
		for {
			select {
			case <-stop:
				return
			default:
			}
			if fd, err := syscall.Dup(0); err == nil {
				hostFds.Add(1)
				syscall.Close(fd)
			}
		}
	})
	var wg sync.WaitGroup
	errs := make(chan error, runtimes)
	for range runtimes {
		wg.Go(func() {
			r, err := runtime.New(runtime.Unrestricted())
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			L := r.LState()
			fn, err := L.LoadString(raceScript)
			if err != nil {
				errs <- err
				return
			}
			res, err := r.Call(context.Background(), fn, lua.LNumber(perRuntime))
			if err != nil {
				errs <- fmt.Errorf("%s", describe(err))
				return
			}
			if bad := lua.LVAsNumber(res[0]); bad != 0 {
				errs <- fmt.Errorf("%v of %d children got descriptors they were not given; first: %s", bad, perRuntime, res[1])
			}
		})
	}
	wg.Wait()
	close(stop)
	hostWG.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d spawns in %d concurrent runtimes; the host made %d raw descriptors meanwhile", perRuntime*runtimes, runtimes, hostFds.Load())
}

// TestSpawnLeavesNothing checks that repeated Popen/wait, communicate,
// run with a timeout, and failed spawns leave the process's descriptor
// count and zombie count unchanged.
func TestSpawnLeavesNothing(t *testing.T) {
	t.Run("process streams", func(t *testing.T) {
		quietProcessStreams(t)
		spawnLeavesNothing(t)
	})
	// Standard streams that are Go writers: children write through relays.
	t.Run("relayed streams", func(t *testing.T) {
		var out, errOut strings.Builder
		spawnLeavesNothing(t, runtime.WithStdout(&out), runtime.WithStderr(&errOut), runtime.WithStdin(strings.NewReader("")))
		if !strings.Contains(out.String(), "out") || !strings.Contains(errOut.String(), "err") {
			t.Errorf("the relays lost output: stdout %q, stderr %q", out.String(), errOut.String())
		}
	})
}

// quietProcessStreams points the test process's descriptors 1 and 2 at
// /dev/null until t ends, so that children writing to inherited standard
// streams do not fill the test log.
func quietProcessStreams(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for _, fd := range []int{1, 2} {
		saved, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Dup2(int(null.Fd()), fd); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			unix.Dup2(saved, fd)
			unix.Close(saved)
		})
	}
}

func spawnLeavesNothing(t *testing.T, opts ...runtime.Option) {
	r, err := runtime.New(append(opts, runtime.Unrestricted())...)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	warm := `
		local sp = require("subprocess")
		for i = 1, 3 do sp.run({"true"}, {capture_output = true}) end`
	if err := r.DoString(context.Background(), warm, "warm"); err != nil {
		t.Fatal(describe(err))
	}
	// A relay closes its end when its goroutine is done, a moment after
	// the child: count once they have settled.
	before := settledFds(t)
	code := `
		local sp = require("subprocess")
		for i = 1, 50 do
			sp.Popen({"true"}):wait()
			sp.run({"sh", "-c", "echo out; echo err >&2"}, {capture_output = true, input = "x"})
			sp.run({"sh", "-c", "echo out; echo err >&2"})
			assert(not sp.Popen({"no-such-program"}))
			assert(not sp.Popen({"true"}, {cwd = "/no/such/dir"}))
			assert(not sp.Popen({"true"}, {pass_fds = {999}}))
			pcall(sp.run, {"sleep", "5"}, {timeout = 0.01, stdout = sp.PIPE})
			local p = sp.Popen({"cat"}, {stdin = sp.PIPE, stdout = sp.PIPE, stderr = sp.DEVNULL})
			p:communicate("data")
			sp.pipeline({{"echo", "x"}, {"cat"}}, {capture_output = true})
			io.popen("true"):close()
			os.execute("true")
		end`
	if err := r.DoString(context.Background(), code, "churn"); err != nil {
		t.Fatal(describe(err))
	}
	if after := settledFds(t); after != before {
		t.Errorf("open descriptors: %d before, %d after", before, after)
	}
	if z := zombies(t); z != 0 {
		t.Errorf("%d zombies", z)
	}
}

// TestHostRawDupNotInherited creates a descriptor the way a careless
// embedding host would (syscall.Dup: inheritable), then lets a script
// spawn a child: the child must not get it.
func TestHostRawDupNotInherited(t *testing.T) {
	raw, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(raw)
	lsfds, err := exec.LookPath("lsfds")
	if err != nil {
		t.Fatal(err)
	}
	r, err := runtime.New(runtime.AllowRun(lsfds))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	code := `
		local sp = require("subprocess")
		local out = sp.check_output({...})
		local fds = {}
		for fd in out:gmatch("(%d+) ") do fds[#fds + 1] = fd end
		return table.concat(fds, ",")`
	fn, err := r.LState().LoadString(code)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Call(context.Background(), fn, lua.LString(lsfds))
	if err != nil {
		t.Fatal(describe(err))
	}
	if got := lua.LVAsString(res[0]); got != "0,1,2" {
		t.Fatalf("child got %s; want 0,1,2 (the host's raw dup %d must not leak)", got, raw)
	}
}

// TestChildRlimitRestored starts safesh with a soft descriptor limit below
// the hard one, which the Go runtime raises for itself at start-up: the
// children safesh starts must get the original limit back, as the
// children of Go's own os/exec do.
func TestChildRlimitRestored(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Max < 1000 {
		t.Skipf("hard limit %d too low for the test", lim.Max)
	}
	script := `
		local sp = require("subprocess")
		io.write(sp.check_output({"sh", "-c", "ulimit -Sn"}))
		io.write(sp.check_output({"sh", "-c", "ulimit -Sn"}, {close_fds = false}))
		local p = io.popen("ulimit -Sn") io.write(p:read("*a")) p:close()`
	cmd := exec.Command("sh", "-c", `ulimit -Sn 512 && exec safesh -e "$0"`, script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := strings.Fields(string(out)); len(got) != 3 || got[0] != "512" || got[1] != "512" || got[2] != "512" {
		t.Fatalf("children's soft limits: %q; want 512 three times", out)
	}
}

// settledFds returns the number of open descriptors once it has stayed the
// same for 50 ms (at most a second).
func settledFds(t *testing.T) int {
	last, since := openFds(t), time.Now()
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		n := openFds(t)
		if n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= 50*time.Millisecond {
			break
		}
	}
	return last
}
