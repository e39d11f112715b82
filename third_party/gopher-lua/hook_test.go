package lua

import (
	"context"
	"strings"
	"testing"
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
