//go:build linux

package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/safesh/safesh/runtime"
)

func runLuaLoop(b *testing.B, setup, body string) {
	r, err := runtime.New(runtime.Unrestricted(), runtime.ExitProcess())
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	code := fmt.Sprintf("%s\nlocal N = ...\nfor i = 1, N do %s end", setup, body)
	fn, err := r.LState().LoadString(code)
	if err != nil {
		b.Fatal(err)
	}
	_ = context.Background()
	L := r.LState()
	b.ResetTimer()
	L.Push(fn)
	L.Push(lnum(b.N))
	if err := L.PCall(1, 0, nil); err != nil {
		b.Fatal(err)
	}
}
