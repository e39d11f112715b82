//go:build linux

// Command compare runs every workload of package bench as raw Go x/sys
// calls, as safesh Lua, and as CPython, in one run, and prints the cost
// of one operation in each and the ratios.
//
//	go run ./bench/compare [-n iterations] [-rounds k]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/safesh/safesh/bench"
)

func main() {
	n := flag.Int("n", 100000, "iterations of each workload")
	rounds := flag.Int("rounds", 3, "rounds; the median is reported")
	flag.Parse()
	dir, err := bench.TempDir()
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)

	goT := map[string][]time.Duration{}
	luaT := map[string][]time.Duration{}
	pyT := map[string][]time.Duration{}
	python, _ := exec.LookPath("python3")
	for range *rounds {
		for _, w := range bench.Workloads {
			d, err := bench.RunGo(w, *n, dir)
			if err != nil {
				fail(err)
			}
			goT[w.Name] = append(goT[w.Name], d)
			d, err = bench.RunLua(w, *n, dir)
			if err != nil {
				fail(err)
			}
			luaT[w.Name] = append(luaT[w.Name], d)
		}
		if python != "" {
			out, err := exec.Command(python, "-c", bench.PythonScript(bench.Workloads, *n, dir)).Output()
			if err != nil {
				fail(fmt.Errorf("python3: %v", err))
			}
			sc := bufio.NewScanner(strings.NewReader(string(out)))
			for sc.Scan() {
				name, ns, ok := strings.Cut(sc.Text(), "\t")
				if f, err := strconv.ParseFloat(ns, 64); ok && err == nil {
					pyT[name] = append(pyT[name], time.Duration(f))
				}
			}
		}
	}
	fmt.Printf("%-26s %10s %10s %10s %9s %9s\n", "operation", "go ns/op", "lua ns/op", "py ns/op", "lua/go", "lua/py")
	for _, w := range bench.Workloads {
		g, l := median(goT[w.Name]), median(luaT[w.Name])
		p := median(pyT[w.Name])
		py, lp := "-", "-"
		if p > 0 {
			py, lp = strconv.FormatInt(int64(p), 10), fmt.Sprintf("%.2f", float64(l)/float64(p))
		}
		fmt.Printf("%-26s %10d %10d %10s %9.2f %9s\n", w.Name, g, l, py, float64(l)/float64(g), lp)
	}
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
