//go:build linux

package bench

import (
	"os/exec"
	"strings"
	"testing"
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
