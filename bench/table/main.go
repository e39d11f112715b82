//go:build linux

// Command table prints the table of issue 17 in one run: each row's
// operation as a safesh script and as a CPython script, each run as a
// whole process (the safesh command built from this module, python3),
// timed with the monotonic clock from outside, with the start-up (the
// same script doing no operations, setup included) subtracted; the
// median of the rounds, and safesh's time over CPython's against the
// row's goal. A read row also shows its floor (bench.ReadFloor: the same
// reads in a Go program, pinned alike). The descriptor calls follow, against the raw x/sys calls
// timed in this process, whose goal is 1.3 times those.
//
//	go run ./bench/table [-rounds k] [-only substring] [-scale f] [-safesh path]
//
// -scale multiplies every row's count of operations (the 1 GiB reads are
// one operation each and stay so). The machines are shared and noisy:
// compare the ratios of one run, and run a row again (-only) when one is
// obviously disturbed.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/safesh/safesh/bench"
)

var (
	rounds = flag.Int("rounds", 5, "rounds; the median is reported")
	only   = flag.String("only", "", "run only rows whose name contains this")
	scale  = flag.Float64("scale", 1, "multiply the operations of each row by this")
	safesh = flag.String("safesh", "", "safesh binary (default: built from this module)")
)

func main() {
	if len(os.Args) == 4 && os.Args[1] == "-floor" {
		// A read row's floor, in a process of its own (see row).
		n, _ := strconv.Atoi(os.Args[3])
		if err := bench.ReadFloor(os.Args[2], n); err != nil {
			fail(err)
		}
		return
	}
	flag.Parse()
	dir, err := bench.TempDir()
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	python, err := exec.LookPath("python3")
	if err != nil {
		fail(fmt.Errorf("python3 is the reference: %v", err))
	}
	if *safesh == "" {
		*safesh = filepath.Join(dir, "safesh")
		cmd := exec.Command("go", "build", "-o", *safesh, "github.com/safesh/safesh/cmd/safesh")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fail(fmt.Errorf("building safesh: %v", err))
		}
	}
	fmt.Printf("median of %d rounds; whole processes, start-up subtracted\n\n", *rounds)
	header := false
	for i, r := range bench.TableRows {
		if *only != "" && !strings.Contains(r.Name, *only) {
			continue
		}
		if r.Ref == "Go" && !header {
			fmt.Printf("\n| descriptor call | Go x/sys | safesh | CPython | safesh/Go | goal |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
			header = true
		} else if i == 0 || *only != "" && !header && r.Ref != "Go" && i == firstShown() {
			fmt.Printf("| workload | CPython | safesh | safesh/CPython (time) | goal | Go floor |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
		}
		row(r, i, dir, python)
	}
}

// firstShown returns the index of the first row that -only selects.
func firstShown() int {
	for i, r := range bench.TableRows {
		if strings.Contains(r.Name, *only) {
			return i
		}
	}
	return -1
}

// row runs one row, rounds times, taking turns so that a slow moment of
// the machine falls on both alike, and prints the medians.
func row(r bench.Row, i int, dir, python string) {
	n := r.N
	if r.Bytes == 0 {
		n = max(1, int(float64(n)**scale))
	}
	luaPath, pyPath, err := bench.WriteRowPrograms(r, i, dir)
	if err != nil {
		fail(err)
	}
	var luaT, pyT, goT []time.Duration
	for round := range *rounds {
		runs := []func(){
			func() { luaT = append(luaT, must(bench.RunProcess([]string{*safesh, luaPath}, n, r.Pin))) },
			func() { pyT = append(pyT, must(bench.RunProcess([]string{python, pyPath}, n, r.Pin))) },
		}
		if r.Ref == "Go" {
			runs = append(runs, func() { goT = append(goT, must(bench.RunGo(r.Workload, n, dir))) })
		}
		if r.Writer != "" {
			self, err := os.Executable()
			if err != nil {
				fail(err)
			}
			runs = append(runs, func() { goT = append(goT, must(bench.RunProcess([]string{self, "-floor", r.Writer}, n, r.Pin))) })
		}
		for k := range runs {
			runs[(round+k)%len(runs)]()
		}
	}
	l, p := median(luaT), median(pyT)
	if r.Ref == "Go" {
		g := median(goT)
		fmt.Printf("| %s | %s | %s | %s | %.2f | ≤ %.1f%s |\n", r.Name, show(r, g), show(r, l), show(r, p), ratio(l, g), r.Goal, mark(ratio(l, g), r.Goal))
		return
	}
	fmt.Printf("| %s | %s | %s | %.2f | ≤ %.1f%s | %s |\n", r.Name, show(r, p), show(r, l), ratio(l, p), r.Goal, mark(ratio(l, p), r.Goal), show(r, median(goT)))
}

// show formats the time of one operation: a rate for a transfer, else
// µs or ns.
func show(r bench.Row, d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case r.Bytes > 0:
		return fmt.Sprintf("%.0f MB/s", float64(r.Bytes)/1e6/d.Seconds())
	case d >= 10*time.Microsecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	default:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	}
}

func mark(ratio, goal float64) string {
	if ratio <= goal {
		return ""
	}
	return " (not met)"
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func must(d time.Duration, err error) time.Duration {
	if err != nil {
		fail(err)
	}
	return d
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "table:", err)
	os.Exit(1)
}
