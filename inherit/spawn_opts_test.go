//go:build linux

package inherit_test

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// pyChild is what a python3 child reports of itself: its umask, limits,
// parent-death signal and credentials.
const pyChild = `
import os, resource, ctypes
m = os.umask(0)
v = ctypes.c_int()
ctypes.CDLL(None).prctl(2, ctypes.byref(v))  # PR_GET_PDEATHSIG
print(oct(m), resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_CORE), v.value,
      os.getuid(), os.getgid(), sorted(os.getgroups()))
`

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

func TestSpawnUmaskRlimits(t *testing.T) {
	needPython(t)
	paths(t, func(t *testing.T) {
		mask := 0o27
		attr := inherit.ProcAttr{Umask: &mask, Rlimits: []inherit.Rlimit{
			{Resource: unix.RLIMIT_NOFILE, Cur: 100, Max: 200},
			{Resource: unix.RLIMIT_CORE, Cur: 0, Max: 0},
		}}
		out, st := run(t, attr, "python3", "-c", pyChild)
		if st.ReturnCode() != 0 || !strings.HasPrefix(out, "0o27 (100, 200) (0, 0) 0 ") {
			t.Fatalf("child: %q %+v", out, st)
		}
		// The process's own are unchanged.
		var lim unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)
		if lim.Cur == 100 {
			t.Fatal("the parent's RLIMIT_NOFILE changed")
		}
		old := unix.Umask(0o22)
		unix.Umask(old)
		if old == 0o27 {
			t.Fatal("the parent's umask changed")
		}
	})
}

func TestSpawnBadOptions(t *testing.T) {
	paths(t, func(t *testing.T) {
		bad := -1
		huge := 0o1000
		for _, attr := range []inherit.ProcAttr{
			{Umask: &bad}, {Umask: &huge}, {Pdeathsig: -1},
			{Rlimits: []inherit.Rlimit{{Resource: unix.RLIMIT_CORE, Cur: 10, Max: 5}}},
		} {
			if _, err := inherit.StartProcess("/bin/true", nil, &attr); !errors.Is(err, syscall.EINVAL) {
				t.Errorf("%+v: %v; want EINVAL", attr, err)
			}
		}
		// A limit above the hard one, without privilege: the child's
		// error, EPERM, with nothing left behind.
		if os.Geteuid() != 0 {
			attr := inherit.ProcAttr{Rlimits: []inherit.Rlimit{{Resource: unix.RLIMIT_NOFILE, Cur: inherit.RlimInfinity, Max: inherit.RlimInfinity}}}
			if _, err := inherit.StartProcess("/bin/true", nil, &attr); !errors.Is(err, syscall.EPERM) {
				t.Errorf("raising the hard limit unprivileged: %v; want EPERM", err)
			}
		}
	})
}

func TestSpawnPdeathsig(t *testing.T) {
	needPython(t)
	paths(t, func(t *testing.T) {
		out, st := run(t, inherit.ProcAttr{Pdeathsig: syscall.SIGTERM}, "python3", "-c", pyChild)
		if f := strings.Fields(out); st.ReturnCode() != 0 || len(f) < 7 || f[5] != "15" {
			t.Fatalf("child: %q %+v; want pdeathsig 15", out, st)
		}
	})
}

// TestSpawnPdeathsigDelivered starts a child whose parent thread dies: a
// locked goroutine that ends without unlocking takes its thread with it.
func TestSpawnPdeathsigDelivered(t *testing.T) {
	paths(t, func(t *testing.T) {
		got := make(chan *inherit.Process)
		var start func()
		start = func() {
			goruntime.LockOSThread()
			if unix.Gettid() == unix.Getpid() {
				// The main thread is never ended: keep it, and start from
				// another.
				done := make(chan bool)
				go func() { start(); close(done) }()
				<-done
				return
			}
			defer close(got)
			p, err := inherit.StartProcess("/bin/sleep", []string{"sleep", "30"}, &inherit.ProcAttr{Pdeathsig: syscall.SIGKILL})
			if err != nil {
				t.Error(err)
				return
			}
			got <- p
			// returning locked: the thread exits
		}
		go start()
		p := <-got
		if p == nil {
			return
		}
		defer p.Release()
		r, err := p.Wait(10*time.Second, -1)
		if err != nil || r != inherit.Ready {
			p.Signal(syscall.SIGKILL)
			p.Wait(-1, -1)
			t.Fatalf("the child outlived its parent thread: %v %v", r, err)
		}
		if st, _ := p.Done(); st.Signal != syscall.SIGKILL {
			t.Fatalf("status %+v; want SIGKILL", st)
		}
	})
}

// sigIgn returns the SigIgn mask a child reports of itself.
func sigIgn(t *testing.T, attr inherit.ProcAttr) uint64 {
	t.Helper()
	out, st := run(t, attr, "grep", "SigIgn", "/proc/self/status")
	f := strings.Fields(out)
	if st.ReturnCode() != 0 || len(f) != 2 {
		t.Fatalf("grep: %q %+v", out, st)
	}
	m, err := strconv.ParseUint(f[1], 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSpawnRestoreSignals(t *testing.T) {
	signal.Ignore(syscall.SIGPIPE, syscall.SIGXFSZ)
	defer signal.Reset(syscall.SIGPIPE, syscall.SIGXFSZ)
	const both = 1<<(syscall.SIGPIPE-1) | 1<<(syscall.SIGXFSZ-1)
	paths(t, func(t *testing.T) {
		if m := sigIgn(t, inherit.ProcAttr{}); m&both != both {
			t.Fatalf("without RestoreSignals: SigIgn %x; want SIGPIPE and SIGXFSZ ignored, as the parent has them", m)
		}
		m := sigIgn(t, inherit.ProcAttr{RestoreSignals: true})
		if m&both != 0 {
			t.Fatalf("with RestoreSignals: SigIgn %x; want SIGPIPE and SIGXFSZ at their defaults", m)
		}
	})
}

func TestSpawnCredential(t *testing.T) {
	needPython(t)
	paths(t, func(t *testing.T) {
		cred := &inherit.Credential{Uid: 65534, Gid: 65534, SetUid: true, SetGid: true, Groups: []uint32{100, 65534}, SetGroups: true}
		if os.Geteuid() != 0 {
			_, err := inherit.StartProcess("/bin/true", nil, &inherit.ProcAttr{Credential: cred})
			if !errors.Is(err, syscall.EPERM) {
				t.Fatalf("unprivileged: %v; want EPERM", err)
			}
			t.Skip("not root: only the refusal is checked")
		}
		// One that another user may run (not a shim under /root).
		python := "/usr/bin/python3"
		if _, err := os.Stat(python); err != nil {
			t.Skip("no /usr/bin/python3")
		}
		out, st := run(t, inherit.ProcAttr{Credential: cred, Pdeathsig: syscall.SIGTERM}, python, "-c", pyChild)
		if f := strings.Fields(out); st.ReturnCode() != 0 || len(f) < 9 || strings.Join(f[5:], " ") != "15 65534 65534 [100, 65534]" {
			t.Fatalf("child: %q %+v; want pdeathsig 15 (kept over setuid), uid and gid 65534, groups [100, 65534]", out, st)
		}
		out, st = run(t, inherit.ProcAttr{Credential: &inherit.Credential{Uid: 65534, SetUid: true, SetGroups: true}}, python, "-c", pyChild)
		if f := strings.Fields(out); st.ReturnCode() != 0 || len(f) < 9 || strings.Join(f[6:], " ") != "65534 0 []" {
			t.Fatalf("user only, groups cleared: %q %+v; want uid 65534, gid 0, no groups", out, st)
		}
	})
}
