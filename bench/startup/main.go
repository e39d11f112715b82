// Command startup compares the start-up time of safesh with CPython's and
// Lua 5.4's, in one run: each interpreter runs an empty program given on
// its command line (safesh -e "", python3 -c pass, lua5.4 -e ""), in turn,
// many times, and
// the medians of the wall-clock time and of the CPU time (user + system)
// are printed with their ratios to CPython's. safesh's goal is at most half
// of CPython's start-up.
//
//	go run ./bench/startup [-n runs] [-safesh path] [-python path]
//
// safesh is built from this module twice, with CGO_ENABLED=0 (static, as
// CI builds it) and as go build does by default (safesh*: with cgo where
// a C compiler is found, libc is linked dynamically for the net package's
// resolver), unless -safesh names a binary. An empty Go program shows the
// floor that the Go runtime sets. python3 is resolved to the interpreter itself (sys.executable):
// version managers such as pyenv put a shell-script shim first on PATH
// whose own start-up would be counted. lua5.4 is skipped with a note if it
// is not installed (apt-get install lua5.4).
//
// The machines are shared and noisy: compare the ratios of one run, never
// absolute times across runs.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// interpreter is one program to start.
type interpreter struct {
	name string
	argv []string
	note string

	wall, cpu []time.Duration
}

func main() {
	runs := flag.Int("n", 200, "runs of each interpreter")
	safesh := flag.String("safesh", "", "safesh binary to measure (default: built from this module)")
	python := flag.String("python", "", "CPython interpreter (default: the one python3 on PATH runs)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "startup")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	var interps []*interpreter
	if *safesh != "" {
		interps = append(interps, &interpreter{name: "safesh", argv: []string{*safesh, "-e", ""}, note: *safesh})
	} else {
		// The pure Go build, static, as CI builds it; and the default
		// build, which links libc dynamically where cgo is available
		// (for the net package's resolver).
		static := build(dir, "safesh", "github.com/safesh/safesh/cmd/safesh", "CGO_ENABLED=0")
		interps = append(interps, &interpreter{name: "safesh", argv: []string{static, "-e", ""}, note: "CGO_ENABLED=0 go build"})
		dynamic := build(dir, "safesh-cgo", "github.com/safesh/safesh/cmd/safesh")
		interps = append(interps, &interpreter{name: "safesh*", argv: []string{dynamic, "-e", ""}, note: "go build (cgo as go env says)"})
	}
	// The floor: a Go program that does nothing.
	floor := filepath.Join(dir, "floor.go")
	if err := os.WriteFile(floor, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		fail(err)
	}
	interps = append(interps, &interpreter{name: "go", argv: []string{build(dir, "floor", floor, "CGO_ENABLED=0")}, note: "an empty Go main: the floor of any Go program"})

	if *python == "" {
		if *python, err = realPython(); err != nil {
			fail(fmt.Errorf("python3 is needed as the reference: %v", err))
		}
	}
	py := &interpreter{name: "python3", argv: []string{*python, "-c", "pass"}, note: *python}
	interps = append(interps, py)
	if lua, err := exec.LookPath("lua5.4"); err == nil {
		interps = append(interps, &interpreter{name: "lua5.4", argv: []string{lua, "-e", ""}, note: lua})
	} else {
		fmt.Println("note: lua5.4 is not installed (apt-get install lua5.4): skipped")
	}

	// Warm the page cache, then take turns, so that a slow moment of the
	// machine falls on all alike.
	for _, in := range interps {
		if _, _, err := start(in.argv); err != nil {
			fail(fmt.Errorf("%s: %v", in.name, err))
		}
	}
	for range *runs {
		for _, in := range interps {
			wall, cpu, err := start(in.argv)
			if err != nil {
				fail(fmt.Errorf("%s: %v", in.name, err))
			}
			in.wall = append(in.wall, wall)
			in.cpu = append(in.cpu, cpu)
		}
	}

	pyWall, pyCPU := median(py.wall), median(py.cpu)
	fmt.Printf("start-up of an empty program, median of %d runs\n\n", *runs)
	fmt.Printf("%-8s %9s %9s %9s %9s\n", "", "wall", "/python3", "cpu", "/python3")
	for _, in := range interps {
		w, c := median(in.wall), median(in.cpu)
		fmt.Printf("%-8s %9s %9.2f %9s %9.2f  %s\n", in.name, round(w), ratio(w, pyWall), round(c), ratio(c, pyCPU), in.note)
	}
	verdict := "met"
	if ratio(median(interps[0].wall), pyWall) > 0.5 {
		verdict = "NOT met"
	}
	fmt.Printf("\ngoal, safesh at most half of CPython's start-up (wall): %s\n", verdict)
}

// build builds pkg (an import path or a file) into dir/name with the
// extra environment env, and returns the binary's path.
func build(dir, name, pkg string, env ...string) string {
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("building %s: %v", name, err))
	}
	return out
}

// start runs argv once and returns its wall-clock and CPU time.
func start(argv []string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	wall = time.Since(t0)
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, out)
	}
	if len(out) > 0 {
		return 0, 0, fmt.Errorf("unexpected output: %s", out)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// realPython returns the CPython interpreter that python3 on PATH runs.
func realPython() (string, error) {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return "", err
	}
	path := strings.TrimSpace(string(out))
	if path == "" {
		return "", errors.New("python3 does not tell its executable")
	}
	return path, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "startup:", err)
	os.Exit(1)
}
