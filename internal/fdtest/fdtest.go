//go:build unix

// Package fdtest proves from a child's side which descriptors a process
// passed on. It provides lsfds, a helper program in the manner of Go's
// os/exec/read3.go: it prints every descriptor it inherited, one per line,
// as
//
//	<fd> <kind> <access>[,nonblock] <target>
//
// on its standard output, or on the descriptor given as its argument
// ("lsfds 2"), so that a test can give it other standard streams.
//
// An inherited descriptor is one whose close-on-exec flag is clear: every
// descriptor that crosses an exec has it clear, and every descriptor the
// Go runtime opens in the child has it set, so the two never mix.
//
// Tests get it on PATH by calling Main (or Install) from TestMain, which
// builds the small program in internal/fdtest/lsfds once: starting it costs
// far less than starting a test binary, above all under the race detector.
package fdtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// Main puts lsfds on PATH, runs the tests, and exits with their status.
func Main(m *testing.M) {
	dir, err := Install()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fdtest:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Install builds lsfds, and the commands of the packages cmds (as
// "github.com/safesh/safesh/cmd/safesh"), into a new temporary directory
// and puts that first on PATH. It returns the directory.
func Install(cmds ...string) (string, error) {
	dir, err := os.MkdirTemp("", "fdtest")
	if err != nil {
		return "", err
	}
	for _, pkg := range append([]string{"github.com/safesh/safesh/internal/fdtest/lsfds"}, cmds...) {
		// go test puts its own GOROOT/bin first on the tests' PATH.
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, filepath.Base(pkg)), pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("building %s: %v\n%s", pkg, err, out)
		}
	}
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir, nil
}

// Lsfds is lsfds as a main function, for testscript.Main's command map:
// it prints the inherited descriptors and exits.
func Lsfds() { os.Exit(lsfds()) }

func lsfds() int {
	infos, err := inherit.ListFds()
	if err != nil {
		fmt.Fprintln(os.Stderr, "lsfds:", err)
		return 1
	}
	out := os.Stdout
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "usage: lsfds [fd]")
			return 2
		}
		out = os.NewFile(uintptr(n), "out")
	}
	w := bufio.NewWriter(out)
	for _, info := range infos {
		if !info.Inheritable {
			continue
		}
		fl, err := unix.FcntlInt(uintptr(info.Fd), unix.F_GETFL, 0)
		if err != nil {
			continue
		}
		access := map[int]string{unix.O_RDONLY: "r", unix.O_WRONLY: "w", unix.O_RDWR: "rw"}[fl&unix.O_ACCMODE]
		if fl&unix.O_NONBLOCK != 0 {
			access += ",nonblock"
		}
		fmt.Fprintf(w, "%d %s %s %s\n", info.Fd, info.Kind, access, info.Target)
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	return 0
}

// Fd is one line of lsfds output.
type Fd struct {
	Fd       int
	Kind     string
	Access   string // "r", "w" or "rw"
	Nonblock bool
	Target   string
}

// Parse parses lsfds output into a map from descriptor number to Fd.
func Parse(out string) (map[int]Fd, error) {
	fds := map[int]Fd{}
	for line := range strings.Lines(out) {
		f := strings.SplitN(strings.TrimSuffix(line, "\n"), " ", 4)
		if len(f) < 3 {
			return nil, fmt.Errorf("fdtest: bad lsfds line %q", line)
		}
		n, err := strconv.Atoi(f[0])
		if err != nil {
			return nil, fmt.Errorf("fdtest: bad lsfds line %q", line)
		}
		access, nonblock := strings.CutSuffix(f[2], ",nonblock")
		fd := Fd{Fd: n, Kind: f[1], Access: access, Nonblock: nonblock}
		if len(f) == 4 {
			fd.Target = f[3]
		}
		fds[n] = fd
	}
	return fds, nil
}

// Inherited starts lsfds with os/exec, which passes the child every
// descriptor of this process that is inheritable, and returns what the
// child received. Use it to check whether a descriptor is inheritable from
// the child's side.
func Inherited(t testing.TB) map[int]Fd {
	t.Helper()
	out, err := exec.Command("lsfds").Output()
	if err != nil {
		t.Fatalf("lsfds: %v", err)
	}
	fds, err := Parse(string(out))
	if err != nil {
		t.Fatal(err)
	}
	return fds
}

// Numbers returns the sorted descriptor numbers of fds.
func Numbers[V any](fds map[int]V) []int {
	var ns []int
	for n := range fds {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// OpenCount returns how many descriptors the process has open.
func OpenCount(t testing.TB) int {
	t.Helper()
	infos, err := inherit.ListFds()
	if err != nil {
		t.Fatal(err)
	}
	return len(infos)
}

// Zombies returns how many children of the process are zombies: exited,
// and never reaped.
func Zombies(t testing.TB) int {
	t.Helper()
	self := strconv.Itoa(os.Getpid())
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[0] == "Z" && f[1] == self {
			n++
		}
	}
	return n
}

// Open returns the descriptors the process has open, each with what it
// refers to, for Opened to compare with later.
func Open(t testing.TB) map[int]string {
	t.Helper()
	infos, err := inherit.ListFds()
	if err != nil {
		t.Fatal(err)
	}
	fds := make(map[int]string, len(infos))
	for _, fi := range infos {
		fds[fi.Fd] = fi.Target
	}
	return fds
}

// Opened returns the descriptors open now that were not open in before
// (taken by Open), as "fd N (target)" in increasing order: what the code
// under test left open. A descriptor that something else closed meanwhile,
// such as a finalizer of an earlier test, is not counted against it.
func Opened(t testing.TB, before map[int]string) []string {
	t.Helper()
	now := Open(t)
	var left []string
	for _, fd := range Numbers(now) {
		if target, ok := before[fd]; !ok || target != now[fd] {
			left = append(left, fmt.Sprintf("fd %d (%s)", fd, now[fd]))
		}
	}
	return left
}
