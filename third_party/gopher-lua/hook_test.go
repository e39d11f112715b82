package lua

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestInstructionHookStopsLoopAndCoroutine(t *testing.T) {
	for _, src := range []string{
		`while true do end`,
		`local co = coroutine.create(function() while true do end end) coroutine.resume(co)`,
	} {
		L := NewState()
		L.SetContext(context.Background())
		n := 0
		L.SetInstructionHook(100, func(L *LState) {
			if n++; n > 10 {
				L.RaiseError("instruction limit")
			}
		})
		err := L.DoString(src)
		if src[0] == 'l' {
			// the coroutine's error comes back through resume: ask again
			err = L.DoString(`error(select(2, coroutine.resume(coroutine.create(function() while true do end end))))`)
		}
		if err == nil || !strings.Contains(err.Error(), "instruction limit") {
			t.Errorf("%s: err = %v", src, err)
		}
		L.Close()
	}
}

func TestInstructionHookOffWithoutContext(t *testing.T) {
	L := NewState()
	defer L.Close()
	called := false
	L.SetInstructionHook(1, func(*LState) { called = true })
	if err := L.DoString(`local x = 0 for i = 1, 10 do x = x + i end`); err != nil {
		t.Fatal(err)
	}
	if called {
		t.Error("the hook ran in a state without a context")
	}
}

// slowMatches backtrack for minutes in a string of 150 bytes.
var slowMatches = []string{
	`string.find(("a"):rep(150), ".-.-.-.-b")`,
	`string.match(("a"):rep(150), ".-.-.-.-b")`,
	`string.gsub(("a"):rep(150), ".-.-.-.-b", "")`,
	`for m in string.gmatch(("a"):rep(150), ".-.-.-.-b") do end`,
}

func TestPatternMatchStopsWithContext(t *testing.T) {
	for _, src := range slowMatches {
		L := NewState()
		ctx, cancel := context.WithCancel(context.Background())
		L.SetContext(ctx)
		done := make(chan error, 1)
		go func() { done <- L.DoString(src) }()
		time.Sleep(20 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "context canceled") {
				t.Errorf("%s: err = %v; want context canceled", src, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still matching 10 s after the cancel", src)
		}
		L.Close()
	}
}

func TestPatternMatchCountsTowardTheHook(t *testing.T) {
	for _, src := range slowMatches {
		L := NewState()
		L.SetContext(context.Background())
		steps := 0
		L.SetInstructionHook(1000, func(L *LState) {
			if steps += 1000; steps > 1e6 {
				L.RaiseError("instruction limit")
			}
		})
		if err := L.DoString(src); err == nil || !strings.Contains(err.Error(), "instruction limit") {
			t.Errorf("%s: err = %v; want instruction limit", src, err)
		}
		L.Close()
	}
}

func TestAllocHookSeesConcatenation(t *testing.T) {
	L := NewState()
	defer L.Close()
	var sizes []int
	L.SetAllocHook(func(L *LState, n int) {
		sizes = append(sizes, n)
		if n > 1<<20 {
			L.RaiseError("not enough memory: %d bytes", n)
		}
	})
	if err := L.DoString(`local a, b = "ab", "cde" r = a .. b .. a`); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 1 || sizes[0] != 7 || L.GetGlobal("r").String() != "abcdeab" {
		t.Errorf("sizes %v, r %v; want one concatenation of 7 bytes", sizes, L.GetGlobal("r"))
	}
	// A doubling bomb is refused before its string exists.
	err := L.DoString(`local s = "x" while true do s = s .. s end`)
	if err == nil || !strings.Contains(err.Error(), "not enough memory: 2097152 bytes") {
		t.Errorf("err = %v", err)
	}
	L.SetAllocHook(nil)
	if err := L.DoString(`local s = ("x"):rep(2 ^ 20) s = s .. s`); err != nil {
		t.Errorf("without the hook: %v", err)
	}
}

func TestContextSetWhileRunning(t *testing.T) {
	// A Go function that sets a context while the VM runs a loop without
	// one: the loop checks it, and runs the hook, from then on.
	L := NewState()
	defer L.Close()
	n := 0
	L.SetGlobal("arm", L.NewFunction(func(L *LState) int {
		L.SetContext(context.Background())
		L.SetInstructionHook(10, func(L *LState) {
			if n++; n > 5 {
				L.RaiseError("hooked")
			}
		})
		return 0
	}))
	err := L.DoString(`arm() while true do end`)
	if err == nil || !strings.Contains(err.Error(), "hooked") {
		t.Errorf("err = %v", err)
	}
}
