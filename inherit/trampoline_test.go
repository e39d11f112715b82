//go:build linux

package inherit_test

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// zombies returns this process's children that have exited unreaped.
func zombies(t *testing.T) []string {
	t.Helper()
	var out []string
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, f := range tasks {
		data, _ := os.ReadFile(f)
		for _, pid := range strings.Fields(string(data)) {
			stat, err := os.ReadFile("/proc/" + pid + "/stat")
			if err != nil {
				continue
			}
			if f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); len(f) > 0 && f[0] == "Z" {
				out = append(out, pid)
			}
		}
	}
	return out
}

// TestTrampolineErrors checks that a program the trampoline cannot exec
// is reported with the real program's errno and name, as without it, with
// no child left behind, and that the steps before it name themselves.
func TestTrampolineErrors(t *testing.T) {
	defer inherit.SetForceFallback(true)()
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	mask := 0o77
	for _, c := range []struct {
		path, dir string
		op        string
		errno     syscall.Errno
	}{
		{"/nonexistent/prog", "", "exec", syscall.ENOENT},
		{noexec, "", "exec", syscall.EACCES},
		{dir, "", "exec", syscall.EACCES},
		{"/bin/true", filepath.Join(dir, "nope"), "chdir", syscall.ENOENT},
	} {
		_, err := inherit.StartProcess(c.path, nil, &inherit.ProcAttr{Umask: &mask, Dir: c.dir})
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Op != c.op || !errors.Is(err, c.errno) {
			t.Errorf("%s in %q: %v; want %s with %v", c.path, c.dir, err, c.op, c.errno)
		}
		if c.op == "exec" && pe != nil && pe.Path != c.path {
			t.Errorf("the error names %q; want the real program %q", pe.Path, c.path)
		}
	}
	if z := zombies(t); len(z) > 0 {
		t.Fatalf("unreaped children: %v", z)
	}
	// A step of the trampoline's own: a limit it may not set.
	var lim unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)
	if lim.Max != inherit.RlimInfinity && unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: lim.Cur, Max: lim.Max + 1}) != nil {
		_, err := inherit.StartProcess("/bin/true", nil, &inherit.ProcAttr{Rlimits: []inherit.Rlimit{{Resource: unix.RLIMIT_NOFILE, Cur: lim.Max + 1, Max: lim.Max + 1}}})
		if !errors.Is(err, syscall.EPERM) || !strings.Contains(err.Error(), "setrlimit") {
			t.Errorf("raising the hard limit unprivileged: %v; want setrlimit: EPERM", err)
		}
	}
}

// TestTrampolineDescriptors checks that the trampoline keeps every
// descriptor at the number the child was given: a closed stdin stays
// closed (not the /dev/null the trampoline's Go runtime opens there),
// moved and passed ones arrive, nothing else does, and the error pipe is
// gone.
func TestTrampolineDescriptors(t *testing.T) {
	defer inherit.SetForceFallback(true)()
	leaky(t)
	r, w, _ := inherit.Pipe()
	defer unix.Close(r)
	defer unix.Close(w)
	mask := 0o22
	files := []int{-1, -2, 2, -1, -1, r}
	got := lsfds(t, inherit.ProcAttr{Files: files, PassFds: []int{w}, Umask: &mask})
	delete(got, 0) // lsfds, a Go program, opens /dev/null on a closed 0 itself
	if got[5].Target != pipeTarget(t, r) || got[w].Target != pipeTarget(t, w) {
		t.Errorf("fd 5 = %+v, fd %d = %+v; want the pipe's ends", got[5], w, got[w])
	}
	if len(got) != 4 {
		t.Errorf("child holds %v; want 1, 2, 5 and %d", got, w)
	}
	out, st := run(t, inherit.ProcAttr{Files: files, Umask: &mask}, "/bin/sh", "-c", `[ -e /proc/$$/fd/0 ] && echo open || echo closed`)
	if st.ReturnCode() != 0 || out != "closed\n" {
		t.Errorf("stdin was closed for the child; a shell says %q (%+v)", out, st)
	}
}

// TestTrampolineSignals checks IgnoreSignals through the trampoline, and
// that a signal the process ignores stays ignored (as syscall.ForkExec's
// child keeps it) although the trampoline's Go runtime handled it.
func TestTrampolineSignals(t *testing.T) {
	defer inherit.SetForceFallback(true)()
	mask := 0o22
	usr1 := uint64(1) << (syscall.SIGUSR1 - 1)
	if m := sigIgn(t, inherit.ProcAttr{IgnoreSignals: []syscall.Signal{syscall.SIGUSR1}}); m&usr1 == 0 {
		t.Errorf("IgnoreSignals: SigIgn %x; want SIGUSR1", m)
	}
	hup := uint64(1) << (syscall.SIGHUP - 1)
	term := uint64(1) << (syscall.SIGTERM - 1)
	ignoreRaw(t, syscall.SIGHUP)
	ignoreRaw(t, syscall.SIGTERM)
	m := sigIgn(t, inherit.ProcAttr{Umask: &mask})
	if m&hup == 0 || m&term == 0 || m&usr1 != 0 {
		t.Errorf("SigIgn %x; want SIGHUP and SIGTERM ignored, as in the parent, and SIGUSR1 not", m)
	}
}

// ignoreRaw makes the process ignore sig (SIG_IGN in the kernel) until
// the test ends, then gives it back to the Go runtime's handler: Notify
// reinstalls that, which Reset after Ignore alone would not.
func ignoreRaw(t *testing.T, sig syscall.Signal) {
	signal.Ignore(sig)
	t.Cleanup(func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, sig)
		signal.Reset(sig)
	})
}

// TestTrampolineCredential checks, as root, that the trampoline changes
// IDs after the limits and sets the parent-death signal after the IDs.
func TestTrampolineCredential(t *testing.T) {
	needPython(t)
	if os.Geteuid() != 0 {
		t.Skip("not root")
	}
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	defer inherit.SetForceFallback(true)()
	mask := 0o27
	cred := &inherit.Credential{Uid: 65534, Gid: 65534, SetUid: true, SetGid: true, Groups: []uint32{100}, SetGroups: true}
	out, st := run(t, inherit.ProcAttr{Umask: &mask, Credential: cred, Pdeathsig: syscall.SIGTERM,
		Rlimits: []inherit.Rlimit{{Resource: unix.RLIMIT_CORE, Cur: 0, Max: 0}}}, python, "-c", pyChild)
	if want := "0o27 "; st.ReturnCode() != 0 || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, " (0, 0) 15 65534 65534 [100]\n") {
		t.Fatalf("child: %q %+v; want umask 0o27, core (0, 0), pdeathsig 15, uid and gid 65534, groups [100]", out, st)
	}
}

// TestTrampolineAddressSpace checks that a small RLIMIT_AS, below what
// the trampoline's Go runtime has mapped already, still lets it exec the
// program, which gets the limit.
func TestTrampolineAddressSpace(t *testing.T) {
	needPython(t)
	defer inherit.SetForceFallback(true)()
	const as = 64 << 20
	var fsize unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_FSIZE, &fsize)
	out, st := run(t, inherit.ProcAttr{Rlimits: []inherit.Rlimit{{Resource: unix.RLIMIT_AS, Cur: as, Max: as},
		{Resource: unix.RLIMIT_FSIZE, Cur: fsize.Max, Max: fsize.Max}}},
		"python3", "-c", "import resource; print(resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_FSIZE)[0] == resource.getrlimit(resource.RLIMIT_FSIZE)[1])")
	if st.ReturnCode() != 0 || out != "(67108864, 67108864) True\n" {
		t.Fatalf("child: %q %+v", out, st)
	}
}

// TestTrampolineRefusesPrivilegedExecutables: anyone may run a program
// that links inherit with the trampoline's argv[0]. A setuid copy of one,
// run by another user, must refuse to act as the trampoline (which would
// run any program with the file's privileges); the same copy without the
// setuid bit runs the program asked for, which shows that the arguments
// are the trampoline's.
func TestTrampolineRefusesPrivilegedExecutables(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: a setuid-root copy cannot be made")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755) // for the other user
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	host := filepath.Join(dir, "host")
	if err := os.WriteFile(host, data, 0o755); err != nil {
		t.Fatal(err)
	}
	nobody := &inherit.Credential{Uid: 65534, Gid: 65534, SetUid: true, SetGid: true, SetGroups: true}
	// start runs host as the trampoline for /bin/true, as user nobody, and
	// returns its exit status and what it reported on its error pipe.
	start := func() (int, []byte) {
		r, w, err := inherit.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(r)
		argv := []string{"safesh-spawn-trampoline", "1", "errfd=" + strconv.Itoa(w) + ";", "/bin/true", "1", "true"}
		p, err := inherit.StartProcess(host, argv, &inherit.ProcAttr{PassFds: []int{w}, Credential: nobody})
		unix.Close(w)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Release()
		report := make([]byte, 64)
		n, _ := unix.Read(r, report)
		if _, err := p.Wait(-1, -1); err != nil {
			t.Fatal(err)
		}
		st, _ := p.Done()
		return st.ReturnCode(), report[:n]
	}
	if code, report := start(); code != 0 || len(report) != 0 {
		t.Fatalf("without setuid: status %d, report %v; want /bin/true run (0, nothing)", code, report)
	}
	if err := os.Chmod(host, 0o755|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	code, report := start()
	if code != 127 || len(report) != 8 || syscall.Errno(binary.LittleEndian.Uint32(report[4:])) != syscall.EPERM {
		t.Fatalf("setuid root, run by nobody: status %d, report %v; want 127 and EPERM reported", code, report)
	}
}
