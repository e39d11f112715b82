package lua

import (
	"runtime"
	"strings"
	"testing"
)

// limitHook returns an alloc hook that adds up what it is told, in *told,
// and refuses what would take the total past limit.
func limitHook(told *int, limit int) func(L *LState, n int) {
	return func(L *LState, n int) {
		if *told+n > limit {
			L.RaiseError("not enough memory: %d bytes asked for", n)
		}
		*told += n
	}
}

func TestAllocHookSeesTableGrowthOnce(t *testing.T) {
	L := NewState()
	defer L.Close()
	var sizes []int
	L.SetAllocHook(func(L *LState, n int) { sizes = append(sizes, n) })
	if err := L.DoString(`t = {}`); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 1 || sizes[0] != tableBytes {
		t.Errorf("a new table: told %v, want [%d]", sizes, tableBytes)
	}
	// Growth is told when the capacity changes, not on every store.
	sizes = nil
	if err := L.DoString(`for i = 1, 1000 do t[i] = i end for i = 1, 1000 do t[i] = -i end`); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, n := range sizes {
		sum += n
	}
	if len(sizes) > 10 || sum < 1000*arraySlotBytes {
		t.Errorf("1000 appends and 1000 stores: told %v", sizes)
	}
	sizes = nil
	if err := L.DoString(`for i = 1, 1000 do t["k" .. i % 100] = i end`); err != nil {
		t.Fatal(err)
	}
	tables := 0
	for _, n := range sizes {
		if n > 16 { // not the 2 to 4 bytes of a concatenation
			tables++
		}
	}
	if tables < 1 || tables > 10 {
		t.Errorf("100 new keys, each stored 10 times: told %v", sizes)
	}
	sizes = nil
	if err := L.DoString(`local x, y f = function() return x, y end`); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 1 || sizes[0] != closureSize(2) {
		t.Errorf("a closure of 2 upvalues: told %v, want [%d]", sizes, closureSize(2))
	}
	sizes = nil
	if err := L.DoString(`co = coroutine.create(print)`); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 1 || sizes[0] < L.Options.RegistrySize*arraySlotBytes {
		t.Errorf("a coroutine: told %v", sizes)
	}
}

func TestAllocHookStopsBombs(t *testing.T) {
	const limit = 64 << 20
	for _, src := range []string{
		`local t = {} while true do t[#t + 1] = true end`,
		`local t = {} for i = 1, 1e9 do t[i] = {} end`,
		`local t = {} for i = 1, 1e9 do table.insert(t, 1) end`,
		`local t = {} for i = 1, 1e9 do t[i + 0.5] = true end`,
		`local t = {} for i = 1, 1e9 do local x = i t[i] = function() return x end end`,
		`local t = {} for i = 1, 1e9 do t[i] = coroutine.create(print) end`,
		`local t = {} for i = 1, 1e9 do t[i] = coroutine.wrap(print) end`,
		`local t = {} t[2 ^ 26 - 1] = true`,
		`local co = coroutine.wrap(function() local t = {} while true do t[#t + 1] = {} end end) co()`,
	} {
		L := NewState()
		told := 0
		L.SetAllocHook(limitHook(&told, limit))
		err := L.DoString(src)
		if err == nil || !strings.Contains(err.Error(), "not enough memory") {
			t.Errorf("%s: err = %v", src, err)
		}
		if told > limit {
			t.Errorf("%s: %d bytes told past the hook's refusal", src, told)
		}
		L.Close()
	}
}

func TestAllocHookGetsTheRunningThread(t *testing.T) {
	L := NewState()
	defer L.Close()
	var got []*LState
	L.SetAllocHook(func(L *LState, n int) { got = append(got, L) })
	L.NewTable() // no Lua code has run yet: the state the hook was set on
	if len(got) != 1 || got[0] != L {
		t.Fatalf("before any call: %v, want %v", got, L)
	}
	got = nil
	if err := L.DoString(`co = coroutine.create(function() local t = {} coroutine.yield() end) coroutine.resume(co)`); err != nil {
		t.Fatal(err)
	}
	co := L.GetGlobal("co").(*LState)
	if len(got) < 3 || got[len(got)-1] != co || got[len(got)-2] != L {
		t.Errorf("threads told: %v, want L then the coroutine %v last", got, co)
	}
}

// TestAllocHookEstimates compares what the hook is told with what Go
// allocates for code that makes tables, closures and threads.
func TestAllocHookEstimates(t *testing.T) {
	totalAlloc := func() uint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.TotalAlloc
	}
	L := NewState()
	defer L.Close()
	told := 0
	L.SetAllocHook(func(L *LState, n int) { told += n })
	for _, src := range []string{
		`local t = {} for i = 1, 1e5 do t[i] = true end`,
		`local t = {} for i = 1, 1e4 do t[i] = {} end`,
		`local t = {} for i = 1, 1e4 do t[i] = {x = true} end`,
		`local t = {} for i = 1, 1e4 do t["k" .. i] = true end`,
		`local t = {} for i = 1, 1e4 do local x = i t[i] = function() return x end end`,
		`local t = {} for i = 1, 100 do t[i] = coroutine.create(print) end`,
	} {
		fn, err := L.LoadString(src)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		told = 0
		before := totalAlloc()
		L.Push(fn)
		L.Call(0, 0)
		got := totalAlloc() - before
		if r := float64(told) / float64(got); r < 0.4 || r > 1.5 {
			t.Errorf("%s: told %d bytes, Go allocated %d (%.2f)", src, told, got, r)
		} else {
			t.Logf("%s: told %d bytes, Go allocated %d (%.2f)", src, told, got, r)
		}
	}
}
