package cgroup

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// newGroup makes a group, or skips where this machine lets none be made.
func newGroup(t *testing.T, lim Limits) *Group {
	t.Helper()
	g, err := New(lim)
	if err != nil {
		t.Skipf("no control group can be made here: %v", err)
	}
	t.Cleanup(func() {
		if err := g.Remove(); err != nil {
			t.Errorf("Remove: %v", err)
		}
		for _, dir := range g.dirs {
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s is left", dir)
			}
		}
	})
	return g
}

// startHeld starts sh -c script, which waits for a line on its standard
// input first, and adds it to g; go releases it.
func startHeld(t *testing.T, g *Group, script string) (cmd *exec.Cmd, out *strings.Builder, start func()) {
	t.Helper()
	cmd = exec.Command("sh", "-c", "read go; "+script)
	out = &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := g.Add(cmd.Process.Pid); err != nil {
		t.Fatalf("Add: %v", err)
	}
	return cmd, out, func() { in.Write([]byte("go\n")) }
}

func TestKillEndsTheWholeTree(t *testing.T) {
	g := newGroup(t, Limits{})
	cmd, _, start := startHeld(t, g, "setsid sleep 300 & sleep 300 & echo started; wait")
	start()
	var pids []int
	for deadline := time.Now().Add(5 * time.Second); len(pids) < 3; {
		var err error
		if pids, err = g.Members(); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("members %v, want the shell and its two sleeps", pids)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !slices.Contains(pids, cmd.Process.Pid) {
		t.Fatalf("members %v lack the shell %d", pids, cmd.Process.Pid)
	}
	if err := g.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if left, _ := g.Members(); len(left) != 0 {
		t.Fatalf("after Kill, members %v", left)
	}
	for _, pid := range pids {
		// The sleep that left the session is gone too, whoever reaps it.
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
			t.Errorf("process %d is still running: %s", pid, b)
		}
	}
}

func TestTasksBoundsForksForRootToo(t *testing.T) {
	// The shell forks six sleeps, saying each; under pids.max 3 (the
	// shell is one task) the third fork fails, for root too.
	forks := func(lim Limits) string {
		g := newGroup(t, lim)
		cmd, out, start := startHeld(t, g, `for i in 1 2 3 4 5 6; do sleep 30 >/dev/null 2>&1 & echo "forked $i"; done`)
		start()
		cmd.Wait()
		g.Kill()
		return out.String()
	}
	if out := forks(Limits{}); !strings.Contains(out, "forked 6") {
		t.Fatalf("without a limit: %q", out)
	}
	out := forks(Limits{Tasks: 3})
	if strings.Contains(out, "forked 3") || !strings.Contains(out, "forked 2") || !strings.Contains(strings.ToLower(out), "fork") {
		t.Fatalf("under pids.max 3: %q; want two forks, then a fork error", out)
	}
}

func TestMemoryLimitKillsAndIsCounted(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	g := newGroup(t, Limits{Memory: 64 << 20})
	if g.OOMKills() != 0 {
		t.Fatalf("a new group counts %d OOM kills", g.OOMKills())
	}
	cmd, out, start := startHeld(t, g, `exec python3 -c "b = b'x' * (512 << 20); print('allocated')"`)
	start()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("512 MiB under a 64 MiB group: %v, output %q; want killed by SIGKILL", err, out.String())
	}
	if n := g.OOMKills(); n < 1 {
		t.Fatalf("OOMKills = %d after the kernel killed the process", n)
	}
}

func TestMountDir(t *testing.T) {
	for _, c := range []struct {
		m          mount
		path, want string
		ok         bool
	}{
		{mount{"/", "/sys/fs/cgroup"}, "/", "/sys/fs/cgroup", true},
		{mount{"/", "/sys/fs/cgroup"}, "/a/b", "/sys/fs/cgroup/a/b", true},
		{mount{"/a", "/sys/fs/cgroup"}, "/a", "/sys/fs/cgroup", true},
		{mount{"/a", "/sys/fs/cgroup"}, "/a/b", "/sys/fs/cgroup/b", true},
		{mount{"/a", "/sys/fs/cgroup"}, "/ab", "", false},
		{mount{"/a", "/sys/fs/cgroup"}, "/", "", false},
	} {
		got, ok := c.m.dir(c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("%+v.dir(%q) = %q, %v; want %q, %v", c.m, c.path, got, ok, c.want, c.ok)
		}
	}
}

func TestNegativeLimit(t *testing.T) {
	if _, err := New(Limits{Memory: -1}); err == nil {
		t.Fatal("a negative limit was taken")
	}
}
