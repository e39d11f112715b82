//go:build linux

package bench

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// BenchmarkWorkloads runs every workload's Go loop and Lua loop as Go
// benchmarks: compare BenchmarkWorkloads/<name>/go with .../lua.
func BenchmarkWorkloads(b *testing.B) {
	dir := b.TempDir()
	for _, w := range Workloads {
		name := strings.ReplaceAll(w.Name, " ", "_")
		b.Run(name+"/go", func(b *testing.B) {
			if _, err := RunGo(w, b.N, dir); err != nil {
				b.Fatal(err)
			}
		})
		b.Run(name+"/lua", func(b *testing.B) {
			if _, err := RunLua(w, b.N, dir); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestWorkloadsRun checks that every workload runs in all three forms, so
// that the benchmarks cannot rot.
func TestWorkloadsRun(t *testing.T) {
	dir := t.TempDir()
	for _, w := range Workloads {
		if _, err := RunGo(w, 3, dir); err != nil {
			t.Error(err)
		}
		if _, err := RunLua(w, 3, dir); err != nil {
			t.Error(err)
		}
	}
}

// TestFsWorkloadsRun runs every file system comparison in all its forms
// at a small size, so that they cannot rot; go run ./bench/compare -fs
// runs them at full size.
func TestFsWorkloadsRun(t *testing.T) {
	dir := t.TempDir()
	python, _ := exec.LookPath("python3")
	for _, w := range FsWorkloads {
		size := 300
		if w.Size > 1<<20 {
			size = 1 << 20
		}
		if _, err := RunFsLua(w, size, dir); err != nil {
			t.Error(err)
		}
		if python != "" {
			if _, err := RunFsPython(python, w, size, dir); err != nil {
				t.Error(err)
			}
		}
		if w.Shell != "" {
			if _, err := RunFsShell(w, size, dir); err != nil {
				t.Error(err)
			}
		}
	}
}

// BenchmarkTable runs each row of issue 17's table (TableRows) as a Go
// benchmark: the Lua loop in a safesh runtime in this process, and, for
// the descriptor calls, the raw x/sys loop beside it. go run ./bench/table
// runs the same rows as whole processes against CPython.
func BenchmarkTable(b *testing.B) {
	dir := b.TempDir()
	for _, r := range TableRows {
		name := strings.ReplaceAll(r.Name, " ", "_")
		b.Run(name+"/lua", func(b *testing.B) {
			if r.Bytes > 0 {
				b.SetBytes(r.Bytes)
			}
			if _, err := RunLua(r.Workload, b.N, dir); err != nil {
				b.Fatal(err)
			}
		})
		if r.Ref == "Go" {
			b.Run(name+"/go", func(b *testing.B) {
				if _, err := RunGo(r.Workload, b.N, dir); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// TestTableRowsRun runs every row of the table once in each form at a
// small count, as whole processes where python3 is installed, so that the
// rows cannot rot; the 1 GiB reads run in-process only.
func TestTableRowsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1 GiB twice")
	}
	dir := t.TempDir()
	python, _ := exec.LookPath("python3")
	for i, r := range TableRows {
		if _, err := RunLua(r.Workload, 1, dir); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		if python == "" || r.Bytes > 0 {
			continue
		}
		_, py, err := WriteRowPrograms(r, i, dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := RunProcess([]string{python, py}, 2, false); err != nil {
			t.Errorf("%s: python3: %v", r.Name, err)
		}
	}
}

// BenchmarkWorkloadsMemoryLimit runs each workload's Lua loop as a host
// runs a chunk (Runtime.Call, which counts it), without and with
// WithMaxMemory: compare BenchmarkWorkloadsMemoryLimit/<name>/off with
// .../on.
func BenchmarkWorkloadsMemoryLimit(b *testing.B) {
	dir := b.TempDir()
	for _, w := range Workloads {
		name := strings.ReplaceAll(w.Name, " ", "_")
		for _, c := range []struct {
			name string
			opts []runtime.Option
		}{
			{"off", nil},
			{"on", []runtime.Option{runtime.WithMaxMemory(1 << 30)}},
		} {
			b.Run(name+"/"+c.name, func(b *testing.B) {
				r, err := runtime.New(append([]runtime.Option{runtime.Unrestricted()}, c.opts...)...)
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				code := fmt.Sprintf("local dir = %q\n%s\nbench_loop = function(n) for _ = 1, n do %s end end", dir, w.LuaSetup, w.Lua)
				if err := r.DoString(context.Background(), code, w.Name); err != nil {
					b.Fatal(err)
				}
				loop := r.LState().GetGlobal("bench_loop").(*lua.LFunction)
				b.ResetTimer()
				if _, err := r.Call(context.Background(), loop, lua.LNumber(b.N)); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}
