//go:build unix

// Package tests runs safesh's Lua test scripts (tests/lua/*.lua), the
// examples, and the command-line tests.
package tests

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// TestMain builds the real safesh command and lsfds (see fdtest) and puts
// them first on PATH, for the command-line, terminal and example tests
// and the children of every test.
func TestMain(m *testing.M) {
	dir, err := fdtest.Install("github.com/safesh/safesh/cmd/safesh")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestLua runs each tests/lua/*.lua in a fresh runtime: the test passes
// if the script runs to its end.
func TestLua(t *testing.T) {
	files, err := filepath.Glob("lua/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Lua tests found: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			t.Chdir(".") // a test that calls os.chdir changes the process's
			out, err := runLua(t, file, runtime.Unrestricted())
			if err != nil {
				t.Fatalf("%v\n%s", describe(err), out)
			}
		})
	}
}

// runLua runs a Lua test file with the prelude and the T table.
func runLua(t *testing.T, file string, opts ...runtime.Option) (string, error) {
	t.Helper()
	var out bytes.Buffer
	opts = append([]runtime.Option{runtime.WithStdout(&out), runtime.WithStderr(&out)}, opts...)
	r, err := runtime.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	installT(t, r.LState())
	prelude, err := os.ReadFile("testdata/prelude.lua")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.DoString(context.Background(), string(prelude), "prelude.lua"); err != nil {
		t.Fatal(describe(err))
	}
	err = r.DoFile(context.Background(), file)
	return out.String(), err
}

func describe(err error) string {
	if lerr, ok := err.(*runtime.Error); ok {
		return lerr.Message + "\n" + lerr.Traceback
	}
	return err.Error()
}

// installT sets the global T: what a Lua test needs from Go.
func installT(t *testing.T, L *lua.LState) {
	T := L.NewTable()
	dir := t.TempDir()
	T.RawSetString("tmpdir", lua.LString(dir))
	T.RawSetString("root", lua.LBool(os.Geteuid() == 0))
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	T.RawSetString("nofile", lua.LNumber(lim.Cur))
	T.RawSetString("inherited", L.NewFunction(func(L *lua.LState) int {
		out, err := exec.Command("lsfds").Output()
		if err != nil {
			L.RaiseError("lsfds: %v", err)
		}
		fds, err := fdtest.Parse(string(out))
		if err != nil {
			L.RaiseError("%v", err)
		}
		res := L.NewTable()
		for n, fd := range fds {
			res.RawSetInt(n, lua.LString(fd.Kind))
		}
		L.Push(res)
		return 1
	}))
	L.SetGlobal("T", T)
}
