package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// A host runs a plugin script with its own streams and arguments.
func Example() {
	var out strings.Builder
	r, err := runtime.New(runtime.WithStdout(&out), runtime.WithArgs("world"))
	if err != nil {
		panic(err)
	}
	defer r.Close()
	if err := r.DoString(context.Background(), `print("hello, " .. ...)`, "plugin"); err != nil {
		panic(err)
	}
	fmt.Print(out.String())
	// Output: hello, world
}

// With no policy option a script may use only the descriptors it
// creates: anything else is refused as an OS error, whose message says
// which policy refused.
func Example_denied() {
	var out strings.Builder
	r, _ := runtime.New(runtime.WithStdout(&out))
	defer r.Close()
	r.DoString(context.Background(), `
		print(io.open("/etc/passwd"))
		print(os.execute("id"))
		print(os.read(0, 1))
		local r, w = os.pipe()   -- its own descriptors are fine
		os.write(w, "ok")
		print(os.read(r, 2))
	`, "plugin")
	fmt.Print(out.String())
	// Output:
	// nil	open: /etc/passwd: permission denied (no file access granted)	13
	// nil	exec: /bin/sh: operation not permitted (no programs allowed)	1
	// nil	read: bad file descriptor	9
	// ok
}

// Grants open what the host chooses: here a read-only directory.
func ExampleAllowRead() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(dir+"/config.txt", []byte("answer=42"), 0o644)

	var out strings.Builder
	r, _ := runtime.New(runtime.AllowRead(dir), runtime.WithStdout(&out))
	defer r.Close()
	r.DoString(context.Background(), `
		print(io.open("config.txt"):read("*a"))       -- relative to the first directory
		print(io.open("config.txt", "w"))            -- read-only
		print(io.open("../../etc/passwd"))           -- confined by the kernel
	`, "plugin")
	fmt.Print(strings.ReplaceAll(out.String(), dir, "DIR"))
	// Output:
	// answer=42
	// nil	open: config.txt: permission denied (read-only directory)	13
	// nil	open: ../../etc/passwd: permission denied (outside the granted directories)	13
}

// A host gives scripts its own functions, and calls theirs.
func ExampleWithFunc() {
	double := func(L *lua.LState) int {
		L.Push(lua.LNumber(2 * L.CheckNumber(1)))
		return 1
	}
	r, _ := runtime.New(runtime.WithFunc("double", double))
	defer r.Close()
	ctx := context.Background()
	r.DoString(ctx, `function plugin_main(x) return double(x) + 1 end`, "plugin")
	res, err := r.CallGlobal(ctx, "plugin_main", lua.LNumber(20))
	fmt.Println(res, err)
	// Output: [41] <nil>
}

// os.exit ends the script, never the host.
func ExampleExitError() {
	r, _ := runtime.New()
	defer r.Close()
	err := r.DoString(context.Background(), `os.exit(3)`, "plugin")
	var exit *runtime.ExitError
	fmt.Println(errors.As(err, &exit), exit.Code)
	// Output: true 3
}
