//go:build linux

package bench

import (
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
