//go:build unix

// Package fdtest proves from a child's side which descriptors a process
// passed on. It provides lsfds, a helper program in the manner of Go's
// os/exec/read3.go: it prints every descriptor it inherited, one per line,
// as
//
//	<fd> <kind> <access>[,nonblock] <target>
//
// An inherited descriptor is one whose close-on-exec flag is clear: every
// descriptor that crosses an exec has it clear, and every descriptor the
// Go runtime opens in the child has it set, so the two never mix.
//
// A test binary becomes lsfds when started under that name: call Main from
// TestMain, and the directory holding an lsfds link to the test binary is
// put first on PATH for the tests and their children.
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

// Main runs lsfds and exits if the test binary was started as lsfds;
// otherwise it puts lsfds on PATH, runs the tests, and exits with their
// status.
func Main(m *testing.M) {
	if filepath.Base(os.Args[0]) == "lsfds" {
		os.Exit(lsfds())
	}
	dir, err := Install()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fdtest:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Install makes a temporary directory holding lsfds, a link to the running
// executable, and puts it first on PATH. It returns the directory.
func Install() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "fdtest")
	if err != nil {
		return "", err
	}
	if err := os.Symlink(exe, filepath.Join(dir, "lsfds")); err != nil {
		os.RemoveAll(dir)
		return "", err
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
	w := bufio.NewWriter(os.Stdout)
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
func Numbers(fds map[int]Fd) []int {
	var ns []int
	for n := range fds {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}
