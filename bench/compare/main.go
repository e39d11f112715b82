//go:build linux

// Command compare runs every workload of package bench as raw Go x/sys
// calls, as safesh Lua, and as CPython, in one run, and prints the cost
// of one operation in each and the ratios.
//
//	go run ./bench/compare [-n iterations] [-rounds k] [-only substring] [-big] [-fs]
//
// -big adds the 1 GiB communicate transfer, compared with CPython and with
// dd moving the same bytes through a pipe. -fs runs the file system
// comparisons instead (bench.FsWorkloads: copyfile of 1 GiB, listdir,
// scandir and stat of 100,000 files, rmtree, makedirs), each against
// CPython and, where there is one, a command (cp, rm -rf, mkdir -p).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/safesh/safesh/bench"
)

var (
	n      = flag.Int("n", 100000, "iterations of each workload")
	rounds = flag.Int("rounds", 3, "rounds; the median is reported")
	only   = flag.String("only", "", "run only workloads whose name contains this")
	big    = flag.Bool("big", false, "also measure the 1 GiB communicate transfer")
	fsOnly = flag.Bool("fs", false, "run the file system comparisons instead")
	fsDir  = flag.String("fsdir", "", "with -fs: the directory to work in (default: a new one in $TMPDIR); /dev/shm takes the disk out of the copy")
)

func main() {
	flag.Parse()
	// Measure what users of the command get: it sets the garbage
	// collector's target to cli.GCPercent (cmd/safesh/internal/cli), and
	// GOGC in the environment overrides it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	dir, err := bench.TempDir()
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	python, _ := exec.LookPath("python3")
	if *fsOnly {
		if *fsDir != "" {
			d, err := os.MkdirTemp(*fsDir, "safesh-bench")
			if err != nil {
				fail(err)
			}
			defer os.RemoveAll(d)
			dir = d
		}
		compareFs(dir, python)
		return
	}

	fmt.Printf("%-40s %11s %11s %11s %8s %8s\n", "operation", "go ns/op", "lua ns/op", "py ns/op", "lua/go", "lua/py")
	for _, w := range bench.Workloads {
		compare(w, *n, dir, python)
	}
	for _, w := range bench.SpawnWorkloads {
		compare(w.Workload, min(*n, w.N), dir, python)
	}
	for _, w := range bench.SelectWorkloads {
		compare(w.Workload, min(*n, w.N), dir, python)
	}
	if *big {
		transfer(dir, python)
	}
	if *only == "" || strings.Contains("task echo", *only) {
		echo(python)
	}
}

// echo compares the task echo server with CPython's asyncio and
// selectors echo servers: replies per second with bench.EchoConns
// connections, each round 2 s, driven by Go clients in this process.
func echo(python string) {
	var ls, as, ss []time.Duration
	for range *rounds {
		r, err := bench.EchoSafesh(2 * time.Second)
		if err != nil {
			fail(err)
		}
		ls = append(ls, time.Duration(r))
		if python != "" {
			a, err := bench.EchoPython(python, "asyncio", 2*time.Second)
			if err != nil {
				fail(err)
			}
			as = append(as, time.Duration(a))
			s, err := bench.EchoPython(python, "selectors", 2*time.Second)
			if err != nil {
				fail(err)
			}
			ss = append(ss, time.Duration(s))
		}
	}
	l, a, s := median(ls), median(as), median(ss)
	fmt.Printf("\n%-40s %11s %11s %11s %8s %8s\n", fmt.Sprintf("echo, %d connections (req/s)", bench.EchoConns), "task", "asyncio", "selectors", "task/aio", "task/sel")
	// Rates, not times: the ratio is the task server's over the other's,
	// and above 1 means faster.
	fmt.Printf("%-40s %11d %11d %11d %8s %8s\n", "", l, a, s, ratio(l, a), ratio(l, s))
}

// compare runs one workload in all its forms, rounds times, and prints
// the medians.
func compare(w bench.Workload, n int, dir, python string) {
	if *only != "" && !strings.Contains(w.Name, *only) {
		return
	}
	var goT, luaT, pyT []time.Duration
	for range *rounds {
		if w.Go != nil {
			d, err := bench.RunGo(w, n, dir)
			if err != nil {
				fail(err)
			}
			goT = append(goT, d)
		}
		d, err := bench.RunLua(w, n, dir)
		if err != nil {
			fail(err)
		}
		luaT = append(luaT, d)
		if python != "" && w.Py != "" {
			pyT = append(pyT, runPython(python, w, n, dir))
		}
	}
	g, l, p := median(goT), median(luaT), median(pyT)
	fmt.Printf("%-40s %11s %11d %11s %8s %8s\n", w.Name, num(g), l, num(p), ratio(l, g), ratio(l, p))
}

// runPython runs one workload in its own CPython process, so that what
// one workload opens cannot slow another.
func runPython(python string, w bench.Workload, n int, dir string) time.Duration {
	out, err := exec.Command(python, "-c", bench.PythonScript([]bench.Workload{w}, n, dir)).Output()
	if err != nil {
		fail(fmt.Errorf("python3 %s: %v", w.Name, err))
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if _, ns, ok := strings.Cut(sc.Text(), "\t"); ok {
			if f, err := strconv.ParseFloat(ns, 64); err == nil {
				return time.Duration(f)
			}
		}
	}
	fail(fmt.Errorf("python3 %s: no result in %q", w.Name, out))
	return 0
}

// transfer measures communicate reading 1 GiB, against CPython and
// against dd moving the same through a pipe.
func transfer(dir, python string) {
	w := bench.CommunicateWorkload
	mb := float64(bench.CommunicateBytes) / 1e6
	var luaT, pyT, ddT []time.Duration
	for range *rounds {
		d, err := bench.RunLua(w, 1, dir)
		if err != nil {
			fail(err)
		}
		luaT = append(luaT, d)
		if python != "" {
			pyT = append(pyT, runPython(python, w, 1, dir))
		}
		start := time.Now()
		dd := exec.Command("sh", "-c", "dd if=/dev/zero bs=1M count=1024 status=none | dd of=/dev/null bs=1M status=none")
		if err := dd.Run(); err != nil {
			fail(fmt.Errorf("dd: %v", err))
		}
		ddT = append(ddT, time.Since(start))
	}
	l, p, d := median(luaT), median(pyT), median(ddT)
	rate := func(t time.Duration) string {
		if t == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f MB/s", mb/t.Seconds())
	}
	fmt.Printf("\n%-40s %11s %11s %11s\n", "transfer", "safesh", "CPython", "dd | dd")
	fmt.Printf("%-40s %11s %11s %11s\n", w.Name, rate(l), rate(p), rate(d))
	fmt.Printf("%-40s %11s %11s %11s\n", "safesh rate / other", "", ratio(p, l)+" (py)", ratio(d, l)+" (dd)")
}

// compareFs runs the file system comparisons, rounds times each, and
// prints the medians: safesh's time, CPython's, the command's, and the
// ratios of safesh's to each.
func compareFs(dir, python string) {
	fmt.Printf("%-34s %10s %10s %10s %8s %12s\n", "operation", "safesh ms", "py ms", "cmd ms", "lua/py", "lua/cmd")
	for _, w := range bench.FsWorkloads {
		if *only != "" && !strings.Contains(w.Name, *only) {
			continue
		}
		var luaT, pyT, shT []time.Duration
		runs := []func(){
			func() { luaT = append(luaT, must(bench.RunFsLua(w, w.Size, dir))) },
		}
		if python != "" {
			runs = append(runs, func() { pyT = append(pyT, must(bench.RunFsPython(python, w, w.Size, dir))) })
		}
		if w.Shell != "" {
			runs = append(runs, func() { shT = append(shT, must(bench.RunFsShell(w, w.Size, dir))) })
		}
		for round := range *rounds {
			// Each round starts with another: none always runs first,
			// after the setup, or after another's write-back.
			for i := range runs {
				runs[(round+i)%len(runs)]()
			}
		}
		l, p, sh := median(luaT), median(pyT), median(shT)
		cmd := ratio(l, sh)
		if w.Shell != "" {
			cmd += " (" + w.ShellName + ")"
		}
		fmt.Printf("%-34s %10s %10s %10s %8s %12s\n", w.Name, ms(l), ms(p), ms(sh), ratio(l, p), cmd)
	}
}

func must(d time.Duration, err error) time.Duration {
	if err != nil {
		fail(err)
	}
	return d
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(d)/1e6)
}

func num(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return strconv.FormatInt(int64(d), 10)
}

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compare:", err)
	os.Exit(1)
}
