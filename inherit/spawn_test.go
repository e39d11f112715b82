//go:build linux

package inherit_test

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/fdtest"
	"golang.org/x/sys/unix"
)

// paths runs f on the fast spawn path, cloning with clone3 and with
// clone, and on the syscall.ForkExec fallback.
func paths(t *testing.T, f func(t *testing.T)) {
	for _, path := range []string{"clone3", "clone", "fallback"} {
		t.Run(path, func(t *testing.T) {
			defer inherit.SetForceFallback(path == "fallback")()
			defer inherit.SetNoClone3(path == "clone")()
			f(t)
		})
	}
}

// run starts argv with attr, with its standard output on a pipe, and
// returns what it printed and how it ended.
func run(t *testing.T, attr inherit.ProcAttr, argv ...string) (string, inherit.ExitStatus) {
	t.Helper()
	path, err := inherit.LookPath(argv[0], attr.Env, attr.Dir)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := inherit.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(r)
	if attr.Files == nil {
		attr.Files = []int{0, w, 2}
	} else {
		attr.Files = slices.Clone(attr.Files)
		for i, fd := range attr.Files {
			if fd == -2 { // placeholder: the capture pipe
				attr.Files[i] = w
			}
		}
	}
	p, err := inherit.StartProcess(path, argv, &attr)
	unix.Close(w)
	if err != nil {
		t.Fatalf("StartProcess(%q): %v", argv, err)
	}
	defer p.Release()
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := inherit.Read(r, buf)
		out = append(out, buf[:n]...)
		if err != nil || n == 0 {
			break
		}
	}
	if r, err := p.Wait(10*time.Second, -1); err != nil || r != inherit.Ready {
		t.Fatalf("Wait = %v, %v", r, err)
	}
	status, _ := p.Done()
	return string(out), status
}

// lsfds runs lsfds with attr and returns the descriptors it inherited.
func lsfds(t *testing.T, attr inherit.ProcAttr) map[int]fdtest.Fd {
	t.Helper()
	out, status := run(t, attr, "lsfds")
	if status.ReturnCode() != 0 {
		t.Fatalf("lsfds: %+v\n%s", status, out)
	}
	fds, err := fdtest.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	return fds
}

// leaky makes descriptors that are inheritable in this process in every
// way but safesh's own: made inheritable on purpose, and made without
// close-on-exec by "host" code with raw system calls.
func leaky(t *testing.T) []int {
	t.Helper()
	r, w, err := inherit.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	inherit.SetInheritable(r, true)
	raw, err := syscall.Dup(w) // as an embedding host might: no close-on-exec
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := syscall.RawSyscall(syscall.SYS_SOCKET, unix.AF_UNIX, unix.SOCK_STREAM, 0)
	fds := []int{r, w, raw, int(s)}
	t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	return fds
}

func TestSpawnOnlyStdio(t *testing.T) {
	paths(t, func(t *testing.T) {
		leaky(t)
		got := fdtest.Numbers(lsfds(t, inherit.ProcAttr{}))
		if !slices.Equal(got, []int{0, 1, 2}) {
			t.Fatalf("child got %v; want [0 1 2]", got)
		}
	})
}

func TestSpawnInheritFds(t *testing.T) {
	paths(t, func(t *testing.T) {
		fds := leaky(t)
		closed, _ := inherit.Dup(0) // close-on-exec: must stay behind
		defer unix.Close(closed)
		got := lsfds(t, inherit.ProcAttr{InheritFds: true})
		for _, fd := range []int{fds[0], fds[2], fds[3]} {
			if _, ok := got[fd]; !ok {
				t.Errorf("InheritFds: child lacks inheritable fd %d; got %v", fd, fdtest.Numbers(got))
			}
		}
		for _, fd := range []int{fds[1], closed} {
			if _, ok := got[fd]; ok {
				t.Errorf("InheritFds: child got close-on-exec fd %d", fd)
			}
		}
	})
}

func TestSpawnPassFds(t *testing.T) {
	paths(t, func(t *testing.T) {
		leaky(t)
		r, w, _ := inherit.Pipe()
		defer unix.Close(r)
		defer unix.Close(w)
		var lim unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)
		// Near the limit: syscall.ForkExec puts its error pipe above the
		// highest descriptor it maps, so the fallback cannot pass the very
		// top numbers (documented); the fast path can pass any.
		top := int(lim.Cur) - 1
		if strings.HasSuffix(t.Name(), "fallback") {
			top = int(lim.Cur) - 3
		}
		high, err := inherit.DupMin(r, top)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(high)
		got := lsfds(t, inherit.ProcAttr{PassFds: []int{w, high}})
		want := []int{0, 1, 2, w, high}
		slices.Sort(want)
		if nums := fdtest.Numbers(got); !slices.Equal(nums, want) {
			t.Fatalf("child got %v; want %v", nums, want)
		}
		if got[w].Access != "w" || got[high].Access != "r" {
			t.Errorf("pass fds arrived as %+v and %+v", got[w], got[high])
		}
		for _, fd := range []int{w, high} {
			if inh, _ := inherit.Inheritable(fd); inh {
				t.Errorf("passing fd %d changed its flag in the parent", fd)
			}
		}
	})
}

// pipeTarget returns what /proc shows for fd, to recognise it in a child.
func pipeTarget(t *testing.T, fd int) string {
	t.Helper()
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		t.Fatal(err)
	}
	return target
}

func TestSpawnStdioPermutations(t *testing.T) {
	paths(t, func(t *testing.T) {
		a, aw, _ := inherit.Pipe()
		b, bw, _ := inherit.Pipe()
		for _, fd := range []int{a, aw, b, bw} {
			defer unix.Close(fd)
		}
		// Put the sources on the child's own numbers in swapped order: the
		// child's 0 is what is the parent's 1 (a pipe's write end in this
		// test, via dup2), and the other way round.
		save0, _ := inherit.Dup(0)
		save1, _ := inherit.Dup(1)
		defer func() {
			inherit.Dup2(save0, 0, true)
			inherit.Dup2(save1, 1, true)
			unix.Close(save0)
			unix.Close(save1)
		}()
		inherit.Dup2(a, 0, true)  // parent 0: read end of a
		inherit.Dup2(bw, 1, true) // parent 1: write end of b
		// Child: stdin = parent's 1, stdout = parent's 0, stderr = capture.
		out, status := run(t, inherit.ProcAttr{Files: []int{1, 0, -2}}, "lsfds", "2")
		inherit.Dup2(save0, 0, true)
		inherit.Dup2(save1, 1, true)
		if status.ReturnCode() != 0 {
			t.Fatalf("child: %+v %s", status, out)
		}
		got, err := fdtest.Parse(out)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Target != pipeTarget(t, bw) || got[0].Access != "w" {
			t.Errorf("child fd 0 = %+v; want the write end of %s", got[0], pipeTarget(t, bw))
		}
		if got[1].Target != pipeTarget(t, a) || got[1].Access != "r" {
			t.Errorf("child fd 1 = %+v; want the read end of %s", got[1], pipeTarget(t, a))
		}
	})
}

func TestSpawnRedirectAlsoPassed(t *testing.T) {
	paths(t, func(t *testing.T) {
		r, w, _ := inherit.Pipe()
		defer unix.Close(r)
		defer unix.Close(w)
		// stdin is w's pipe read end r, and r is also passed at its number.
		out, _ := run(t, inherit.ProcAttr{Files: []int{r, -2, 2}, PassFds: []int{r}}, "lsfds")
		got, err := fdtest.Parse(out)
		if err != nil {
			t.Fatal(err)
		}
		target := pipeTarget(t, r)
		if got[0].Target != target || got[r].Target != target {
			t.Fatalf("child got %+v and %+v; want both on %s", got[0], got[r], target)
		}
	})
}

func TestSpawnErrors(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("\x7fELF but not really"), 0o755)
	tests := []struct {
		name  string
		path  string
		attr  inherit.ProcAttr
		errno syscall.Errno
		text  string
	}{
		{"missing", "/nonexistent/prog", inherit.ProcAttr{}, syscall.ENOENT, "exec /nonexistent/prog: no such file or directory"},
		{"not executable", noexec, inherit.ProcAttr{}, syscall.EACCES, "exec " + noexec + ": permission denied"},
		{"bad format", garbage, inherit.ProcAttr{}, syscall.ENOEXEC, "exec " + garbage + ": exec format error"},
		{"bad cwd", "/bin/true", inherit.ProcAttr{Dir: "/nonexistent/dir"}, syscall.ENOENT, "chdir /nonexistent/dir: no such file or directory"},
		{"bad pass fd", "/bin/true", inherit.ProcAttr{PassFds: []int{999}}, syscall.EBADF, "spawn pass fd 999: bad file descriptor"},
		{"bad stdout", "/bin/true", inherit.ProcAttr{Files: []int{0, 999, 2}}, syscall.EBADF, "spawn stdout fd 999: bad file descriptor"},
	}
	paths(t, func(t *testing.T) {
		before := openCount(t)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := inherit.StartProcess(tt.path, []string{tt.path}, &tt.attr)
				if err == nil {
					p.Wait(-1, -1)
					p.Release()
					t.Fatal("StartProcess succeeded")
				}
				var errno syscall.Errno
				if !errors.As(err, &errno) || errno != tt.errno || err.Error() != tt.text {
					t.Fatalf("err = %q (%v); want %q (%v)", err, errno, tt.text, tt.errno)
				}
			})
		}
		if after := openCount(t); after != before {
			t.Errorf("open descriptors: %d before, %d after the failed spawns", before, after)
		}
		if z := zombieCount(t); z != 0 {
			t.Errorf("%d zombies after the failed spawns", z)
		}
	})
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "noexec"), []byte("x"), 0o644)
	env := []string{"PATH=" + dir + ":/bin"}
	if p, err := inherit.LookPath("sh", env, ""); err != nil || p != "/bin/sh" {
		t.Errorf("LookPath(sh) = %q, %v", p, err)
	}
	if _, err := inherit.LookPath("noexec", env, ""); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("LookPath(noexec) error = %v; want EACCES", err)
	}
	if _, err := inherit.LookPath("nonexistent-program", env, ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LookPath(nonexistent) error = %v; want ENOENT", err)
	}
	// A relative PATH entry is looked in from the child's directory.
	os.WriteFile(filepath.Join(dir, "tool"), []byte("#!/bin/sh\n"), 0o755)
	if p, err := inherit.LookPath("tool", []string{"PATH=."}, dir); err != nil || p != "./tool" {
		t.Errorf("LookPath(tool, PATH=., dir) = %q, %v; want ./tool", p, err)
	}
	if _, err := inherit.LookPath("tool", []string{"PATH=."}, "/"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LookPath(tool, PATH=., /) error = %v; want ENOENT", err)
	}
}

func TestSpawnStatusAndSignals(t *testing.T) {
	paths(t, func(t *testing.T) {
		if _, st := run(t, inherit.ProcAttr{}, "sh", "-c", "exit 3"); st.ReturnCode() != 3 {
			t.Errorf("exit 3: %+v", st)
		}
		if _, st := run(t, inherit.ProcAttr{}, "sh", "-c", "kill -9 $$"); st.ReturnCode() != -9 {
			t.Errorf("kill -9: %+v", st)
		}
		p, err := inherit.StartProcess("/bin/sleep", []string{"sleep", "30"}, &inherit.ProcAttr{})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Release()
		if r, err := p.Wait(20*time.Millisecond, -1); err != nil || r != inherit.TimedOut {
			t.Fatalf("Wait(20ms) = %v, %v; want TimedOut", r, err)
		}
		if _, done, _ := p.Poll(); done {
			t.Fatal("Poll says done while the child sleeps")
		}
		w, _ := inherit.NewWaker()
		defer w.Close()
		w.Wake()
		if r, _ := p.Wait(-1, w.Fd()); r != inherit.Woken {
			t.Fatalf("Wait with a woken waker = %v", r)
		}
		if err := p.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if r, err := p.Wait(10*time.Second, -1); err != nil || r != inherit.Ready {
			t.Fatalf("Wait after SIGTERM = %v, %v", r, err)
		}
		if st, done := p.Done(); !done || st.Signal != syscall.SIGTERM {
			t.Fatalf("status %+v, done %v", st, done)
		}
		if err := p.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("Signal after reaping: %v; want nil", err)
		}
	})
}

// TestSpawnSignalState checks what a child starts with: the parent
// thread's signal mask, not the all-blocked mask of the moment of the
// fork; the parent's ignored signals still ignored (as exec keeps them);
// and no handler.
func TestSpawnSignalState(t *testing.T) {
	signal.Ignore(syscall.SIGHUP)
	defer signal.Reset(syscall.SIGHUP)
	goruntime.LockOSThread()
	self, err := os.ReadFile("/proc/thread-self/status")
	goruntime.UnlockOSThread()
	if err != nil {
		t.Fatal(err)
	}
	paths(t, func(t *testing.T) {
		out, _ := run(t, inherit.ProcAttr{}, "cat", "/proc/self/status")
		if got, want := statusField(out, "SigBlk"), statusField(string(self), "SigBlk"); got != want {
			t.Errorf("child's blocked signals %s; want the parent thread's, %s", got, want)
		}
		ign, err := strconv.ParseUint(statusField(out, "SigIgn"), 16, 64)
		if err != nil || ign&(1<<(syscall.SIGHUP-1)) == 0 {
			t.Errorf("child's ignored signals %s (%v): SIGHUP is not among them", statusField(out, "SigIgn"), err)
		}
		if got := statusField(out, "SigCgt"); got != "0000000000000000" {
			t.Errorf("child catches signals %s; want none", got)
		}
	})
}

// TestSpawnClone3Refused checks the way back from a kernel or seccomp
// policy that refuses clone3: the spawn still works, through clone, the
// child gets exactly what it was given, and later spawns skip clone3.
func TestSpawnClone3Refused(t *testing.T) {
	restore, gaveUp := inherit.RefuseClone3()
	defer restore()
	pass := leaky(t)[0]
	for i := range 2 {
		fds := lsfds(t, inherit.ProcAttr{PassFds: []int{pass}})
		if got := slices.Sorted(maps.Keys(fds)); !slices.Equal(got, []int{0, 1, 2, pass}) {
			t.Fatalf("spawn %d: the child got %v; want 0, 1, 2 and %d", i, got, pass)
		}
	}
	if !gaveUp() {
		t.Error("clone3 was refused, but the fast path still tries it")
	}
}

// statusField returns a field of a /proc/PID/status text.
func statusField(status, name string) string {
	for line := range strings.Lines(status) {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func TestSpawnSession(t *testing.T) {
	paths(t, func(t *testing.T) {
		out, _ := run(t, inherit.ProcAttr{Setsid: true}, "sh", "-c", `echo $$; cut -d' ' -f6 /proc/$$/stat`)
		f := strings.Fields(out)
		if len(f) != 2 || f[0] != f[1] {
			t.Fatalf("pid and session: %q; want equal", out)
		}
		out, _ = run(t, inherit.ProcAttr{Setpgid: true}, "sh", "-c", `echo $$; cut -d' ' -f5 /proc/$$/stat`)
		f = strings.Fields(out)
		if len(f) != 2 || f[0] != f[1] {
			t.Fatalf("pid and process group: %q; want equal", out)
		}
	})
}

func TestSpawnEnvAndDir(t *testing.T) {
	paths(t, func(t *testing.T) {
		dir := t.TempDir()
		out, _ := run(t, inherit.ProcAttr{Dir: dir, Env: []string{"A=1", "PATH=/bin:/usr/bin"}}, "sh", "-c", `echo "$A $(pwd)"; env | wc -l`)
		want := "1 " + dir + "\n"
		if !strings.HasPrefix(out, want) {
			t.Fatalf("got %q; want prefix %q", out, want)
		}
	})
}

// TestSpawnRace runs spawns while other goroutines create descriptors in
// every way, including raw host dups without close-on-exec and
// inheritable dup2s: every child must get exactly 0, 1, 2 and its pass fd.
func TestSpawnRace(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	if s := os.Getenv("SAFESH_RACE_SPAWNS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	paths(t, func(t *testing.T) {
		fallback := strings.HasSuffix(t.Name(), "fallback")
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					raceCreate(g, fallback)
				}
			})
		}
		pass, _ := inherit.Dup(2)
		defer unix.Close(pass)
		leaks := 0
		for i := range n {
			got := fdtest.Numbers(lsfds(t, inherit.ProcAttr{PassFds: []int{pass}}))
			if !slices.Equal(got, []int{0, 1, 2, pass}) {
				leaks++
				if leaks < 5 {
					t.Errorf("spawn %d: child got %v; want [0 1 2 %d]", i, got, pass)
				}
			}
		}
		close(stop)
		wg.Wait()
		if leaks > 0 {
			t.Errorf("%d of %d children got descriptors they were not given", leaks, n)
		}
		t.Logf("%d spawns, %d leaks", n, leaks)
	})
}

// raceCreate makes and closes descriptors. On the fast path it includes
// what a careless host does; the fallback is held to safesh's own
// creators, as documented.
func raceCreate(g int, fallback bool) {
	switch g {
	case 0:
		r, w, err := inherit.Pipe()
		if err == nil {
			unix.Close(r)
			unix.Close(w)
		}
	case 1:
		fd, err := inherit.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err == nil {
			unix.Close(fd)
		}
	case 2:
		if fallback {
			fd, err := inherit.Dup(0)
			if err == nil {
				unix.Close(fd)
			}
			return
		}
		fd, err := syscall.Dup(0) // a host's raw dup: inheritable
		if err == nil {
			unix.Close(fd)
		}
		if err := inherit.Dup2(1, 150, true); err == nil { // inheritable on purpose
			unix.Close(150)
		}
	}
}

func openCount(t *testing.T) int { return fdtest.OpenCount(t) }

func zombieCount(t *testing.T) int { return fdtest.Zombies(t) }

// TestSpawnChildFds gives the child descriptors at chosen numbers above 2
// (systemd's fd 3 convention, and a cycle of three numbers each held by
// another source in the parent), with holes between them and a pass fd
// beyond them: the child holds exactly those, each the right one.
func TestSpawnChildFds(t *testing.T) {
	paths(t, func(t *testing.T) {
		var ends []int
		for range 3 {
			r, w, err := inherit.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(r)
			defer unix.Close(w)
			ends = append(ends, r)
		}
		// Put the three sources on 40, 41, 42 in the parent, then ask for
		// 40 <- 41's, 41 <- 42's, 42 <- 40's, and 3 <- 40's.
		for i, fd := range ends {
			if err := inherit.Dup2(fd, 40+i, false); err != nil {
				t.Fatal(err)
			}
			defer unix.Close(40 + i)
		}
		files := make([]int, 43)
		for i := range files {
			files[i] = -1
		}
		files[0], files[1], files[2] = 0, -2, 2
		files[3], files[40], files[41], files[42] = 40, 41, 42, 40
		p0, _, _ := inherit.Pipe()
		defer unix.Close(p0)
		pass := 60
		inherit.Dup2(p0, pass, false)
		defer unix.Close(pass)
		got := lsfds(t, inherit.ProcAttr{Files: files, PassFds: []int{pass}})
		want := map[int]int{3: 40, 40: 41, 41: 42, 42: 40, pass: pass}
		if len(got) != 3+len(want) {
			t.Fatalf("child holds %v; want 0-2 and %v", got, want)
		}
		for child, parent := range want {
			if got[child].Target != pipeTarget(t, parent) {
				t.Errorf("child fd %d = %+v; want %s", child, got[child], pipeTarget(t, parent))
			}
		}
	})
}

// TestSpawnJoinGroup puts a child in an existing process group, on every
// spawn path.
func TestSpawnJoinGroup(t *testing.T) {
	paths(t, func(t *testing.T) {
		leader, err := inherit.StartProcess("/bin/sleep", []string{"sleep", "5"}, &inherit.ProcAttr{Setpgid: true})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			leader.Signal(syscall.SIGKILL)
			leader.Wait(-1, -1)
			leader.Release()
		}()
		out, status := run(t, inherit.ProcAttr{Setpgid: true, Pgid: leader.Pid}, "/bin/sh", "-c", "ps -o pgid= -p $$")
		if status.ReturnCode() != 0 || strings.TrimSpace(out) != strconv.Itoa(leader.Pid) {
			t.Fatalf("child's group = %q (%+v); want %d", out, status, leader.Pid)
		}
	})
}

// TestSpawnPidEnv checks that the child writes its own pid into PidEnv
// (replacing any value the environment had) on every path: the fallback's
// trampoline, which the real program replaces, writes its own.
func TestSpawnPidEnv(t *testing.T) {
	paths(t, func(t *testing.T) {
		attr := inherit.ProcAttr{Env: []string{"LISTEN_PID=1", "X=y"}, PidEnv: "LISTEN_PID"}
		out, status := run(t, attr, "/bin/sh", "-c", `echo "$LISTEN_PID $$ $X"`)
		f := strings.Fields(out)
		if status.ReturnCode() != 0 || len(f) != 3 || f[0] != f[1] || f[2] != "y" {
			t.Fatalf("child says %q (%+v); want its own pid twice, then y", out, status)
		}
	})
}
