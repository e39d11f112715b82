//go:build linux

package tests

import (
	"bytes"
	"context"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/safesh/safesh/internal/limits"
	"github.com/safesh/safesh/runtime"
)

// procStatus returns a field of /proc/self/status, in bytes.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

func heapInUse() int64 {
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestMemoryBombs runs the bombs of issue 12 under WithMaxMemory: each
// ends with a *runtime.LimitError, the process's peak RSS stays within a
// bound of the limit, and once the runtime is closed its heap is back.
func TestMemoryBombs(t *testing.T) {
	const limit = 64 << 20
	// The peak RSS the process may reach during one bomb, above what it
	// had: the limit, what the Go heap overshoots it by between two
	// collections (GOGC=100 doubles it) and between two watchdog ticks.
	const bound = 8 * limit
	bombs := []struct{ name, src string }{
		{"rep-loop", `local t = {} while true do t[#t+1] = string.rep("x", 1e6) end`},
		{"rep-huge", `local s = string.rep("x", 1e10)`},
		{"concat", `local s = string.rep("x", 1e6) local t = {} for i = 1, 1e4 do t[i] = s end local r = table.concat(t)`},
		{"gsub", `local s = ("x"):rep(2e7) while true do s = s:gsub("", "yyyy") end`},
		{"table", `local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end`},
		{"strings", `local t = {} local i = 0 while true do i = i + 1 t[i] = "s" .. i end`},
		{"dotdot", `local s = "x" while true do s = s .. s end`},
		{"dotdot-kept", `local t, s = {}, ("x"):rep(1e5) while true do t[#t+1] = s .. #t end`},
		{"pcall", `local t = {} while true do pcall(function() t[#t+1] = string.rep("x", 1e6) end) end`},
		{"coroutines", `local t = {} while true do t[#t+1] = coroutine.create(function() end) end`},
	}
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			goruntime.GC()
			debug.FreeOSMemory()
			heapBefore := heapInUse()
			if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
				t.Logf("cannot reset the peak RSS (%v): the bound is checked against the current RSS", err)
			}
			rssBefore := procStatus(t, "VmRSS")
			var out bytes.Buffer
			r, err := runtime.New(runtime.WithStdout(&out), runtime.WithMaxMemory(limit))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = r.DoString(context.Background(), b.src, "")
			le := limitOf(t, err, "MaxMemory")
			took := time.Since(start)
			peak := procStatus(t, "VmHWM")
			r.Close()
			goruntime.GC()
			heapAfter := heapInUse()
			t.Logf("%v after %v; peak RSS +%d MB; heap %d MB -> %d MB", le, took, (peak-rssBefore)>>20, heapBefore>>20, heapAfter>>20)
			if peak-rssBefore > bound {
				t.Errorf("peak RSS grew by %d MB, bound %d MB", (peak-rssBefore)>>20, bound>>20)
			}
			if heapAfter-heapBefore > limit {
				t.Errorf("heap after the bomb and a GC: %d MB, before %d MB", heapAfter>>20, heapBefore>>20)
			}
			hostWorks(t)
		})
	}
}

// TestMemoryAccountingCatchesBombs runs, with the heap watchdog paused,
// the bombs that only table growth, closures or coroutines make
// (gopher-lua patch 0012): the accounting alone must stop each with a
// MaxMemory LimitError, quickly, the process's RSS must stay within a
// bound of the limit, and a second runtime with a limit, working beside
// the bomb all along, must not be stopped.
func TestMemoryAccountingCatchesBombs(t *testing.T) {
	const limit = 64 << 20
	// The heap may hold the limit, its garbage until a collection (the
	// GC doubles it) and the array a growing table is copied to. The
	// paused watchdog stops a bomb the accounting misses past
	// limits.PausedFactor (4) times the limit: over the bound.
	const bound = 3 * limit
	defer limits.PauseWatchdog()()
	bombs := []struct{ name, src string }{
		{"table-append", `local t, i = {}, 0 while true do i = i + 1 t[#t + 1] = i end`},
		{"table-of-tables", `local t = {} for i = 1, 1e9 do t[i] = {} end`},
		{"table-list", `local l while true do l = {l} end`},
		{"table-insert", `local t = {} while true do table.insert(t, true) end`},
		{"table-hash", `local t = {} for i = 1, 1e9 do t[i + 0.5] = true end`},
		{"table-keys", `local t = {} for i = 1, 1e9 do t["k" .. i] = true end`},
		{"table-sparse", `local t = {} t[2 ^ 26 - 1] = true`},
		{"closures", `local t = {} for i = 1, 1e9 do local x = i t[i] = function() return x end end`},
		{"closure-chain", `local f = print while true do local g = f f = function() return g end end`},
		{"coroutine-create", `local t = {} for i = 1, 1e9 do t[i] = coroutine.create(function() end) end`},
		{"coroutine-wrap", `local t = {} for i = 1, 1e9 do t[i] = coroutine.wrap(function() end) end`},
		{"in-coroutine", `coroutine.wrap(function() local t = {} while true do t[#t + 1] = {} end end)()`},
	}
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			goruntime.GC()
			debug.FreeOSMemory()
			if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
				t.Logf("cannot reset the peak RSS (%v): the bound is checked against the current RSS", err)
			}
			rssBefore := procStatus(t, "VmRSS")

			// The neighbour: a runtime with a limit of its own, making
			// tables and closures before, while and after the bomb runs.
			var nout bytes.Buffer
			neighbour := newRuntime(t, &nout, runtime.WithMaxMemory(1<<30))
			work := func() error {
				return neighbour.DoString(context.Background(), `
					local t = {} for i = 1, 1e4 do t[i] = {i, function() return i end} end
					assert(#t == 1e4 and t[1e4][2]() == 1e4)`, "neighbour")
			}
			done, started := make(chan struct{}), make(chan struct{})
			var wg sync.WaitGroup
			var nerr error
			runs := 0
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					if nerr = work(); nerr != nil {
						return
					}
					if runs++; runs == 1 {
						close(started)
					}
					select {
					case <-done:
						return
					default:
					}
				}
			}()
			<-started

			r := newRuntime(t, &bytes.Buffer{}, runtime.WithMaxMemory(limit))
			start := time.Now()
			err := r.DoString(context.Background(), b.src, "bomb")
			took := time.Since(start)
			le := limitOf(t, err, "MaxMemory")
			peak := procStatus(t, "VmHWM")
			close(done)
			wg.Wait()
			if nerr == nil {
				nerr = work()
			}
			r.Close()
			neighbour.Close()
			t.Logf("%v after %v; peak RSS +%d MB; the neighbour ran %d chunks", le, took, (peak-rssBefore)>>20, runs)
			if took > 5*time.Second {
				t.Errorf("the bomb took %v to stop", took)
			}
			if peak-rssBefore > bound {
				t.Errorf("peak RSS grew by %d MB, bound %d MB", (peak-rssBefore)>>20, bound>>20)
			}
			if nerr != nil || runs == 0 {
				t.Errorf("the neighbour: %v after %d chunks", nerr, runs)
			}
			hostWorks(t)
		})
	}
}

// TestMemoryLimitLetsTablesGrow checks that work that makes large tables,
// many closures and coroutines is not refused under a roomy limit.
func TestMemoryLimitLetsTablesGrow(t *testing.T) {
	var out bytes.Buffer
	r := newRuntime(t, &out, runtime.WithMaxMemory(256<<20))
	err := r.DoString(context.Background(), `
		local t = {} for i = 1, 1e6 do t[i] = i end
		local h = {} for i = 1, 2e5 do h["k" .. i] = i end
		local f = {} for i = 1, 1e5 do f[i] = function() return i end end
		local c = {} for i = 1, 200 do c[i] = coroutine.wrap(function() coroutine.yield(i) end) end
		local n = 0 for i = 1, 200 do n = n + c[i]() end
		local s = {} for i = 1, 1e5 do s[i] = {i, x = i} end
		print(#t, h.k200000, f[1e5](), n, s[1e5].x)
	`, "")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "1000000\t200000\t100000\t20100\t100000\n" {
		t.Fatalf("output %q", out.String())
	}
}

// TestMemoryLimitLetsGarbageGo checks that a script that allocates much
// more than its limit in all, but keeps little, is not stopped.
func TestMemoryLimitLetsGarbageGo(t *testing.T) {
	var out bytes.Buffer
	// The limit is the process's heap growth: other tests' garbage counts,
	// so it is roomy here; the script allocates four times it in all.
	r := newRuntime(t, &out, runtime.WithMaxMemory(256<<20))
	err := r.DoString(context.Background(), `
		for i = 1, 1000 do local s = string.rep("x", 1e6) .. i end
		local t = {}
		for i = 1, 100 do t[i] = ("y"):rep(1e5) end
		print(#table.concat(t), #(("z"):rep(1e4):gsub("z", "ab")))
	`, "")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "10000000\t20000\n" {
		t.Fatalf("output %q", out.String())
	}
}

// BenchmarkConcatMemoryLimit measures what WithMaxMemory adds to code that
// concatenates small strings, the case the '..' allocation hook (patch
// 0011) sees most: compare the two sub-benchmarks.
func BenchmarkConcatMemoryLimit(b *testing.B) {
	const src = `local s = "" for i = 1, 1000 do local t = "k" .. i .. "=" .. i end`
	for _, c := range []struct {
		name string
		opts []runtime.Option
	}{
		{"off", nil},
		{"on", []runtime.Option{runtime.WithMaxMemory(1 << 30)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			r, err := runtime.New(c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			for b.Loop() {
				if err := r.DoString(context.Background(), src, "concat"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVMMemoryLimit measures what WithMaxMemory adds to code that
// makes and grows tables, closures and coroutines, which the VM accounts
// through the allocation hook (patch 0012): compare the off and on
// sub-benchmarks of each.
func BenchmarkVMMemoryLimit(b *testing.B) {
	for _, w := range []struct{ name, src string }{
		{"table-append", `local t = {} for i = 1, 1e4 do t[#t + 1] = i end`},
		{"table-store", `local t = {} for i = 1, 100 do t[i] = i end for i = 1, 1e4 do t[i % 100 + 1] = i end`},
		{"tables", `for i = 1, 1e4 do local t = {i, x = i} end`},
		{"hash", `local t = {} for i = 1, 1e4 do t[i + 0.5] = i end`},
		{"closures", `for i = 1, 1e4 do local f = function() return i end end`},
		{"coroutines", `for i = 1, 100 do local co = coroutine.wrap(function() end) co() end`},
	} {
		for _, c := range []struct {
			name string
			opts []runtime.Option
		}{
			{"off", nil},
			{"on", []runtime.Option{runtime.WithMaxMemory(1 << 30)}},
		} {
			b.Run(w.name+"/"+c.name, func(b *testing.B) {
				r, err := runtime.New(c.opts...)
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				for b.Loop() {
					if err := r.DoString(context.Background(), w.src, w.name); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
