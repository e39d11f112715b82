// Command embed is an example plugin host. It runs every plugin script in
// a directory, each in its own safesh runtime, with what a plugin of a
// real program would get: a read-only data directory, no network, one
// allowed program (wc), a cancellation deadline, and a report function of
// the host's own. What a plugin tries beyond that is refused.
//
// usage: go run ./scripts/examples/embed [plugins-dir [data-dir]]
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

func main() {
	here := "scripts/examples/embed"
	plugins, data := filepath.Join(here, "plugins"), filepath.Join(here, "data")
	if len(os.Args) > 1 {
		plugins = os.Args[1]
	}
	if len(os.Args) > 2 {
		data = os.Args[2]
	}
	// Scripts see paths as they are; a relative one would be relative to
	// the first granted directory.
	data, err := filepath.Abs(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(2)
	}
	files, err := filepath.Glob(filepath.Join(plugins, "*.lua"))
	if err != nil || len(files) == 0 {
		fmt.Fprintln(os.Stderr, "embed: no plugins in", plugins)
		os.Exit(2)
	}
	sort.Strings(files)
	failed := false
	for _, file := range files {
		if err := runPlugin(file, data); err != nil {
			fmt.Printf("%s: failed: %v\n", filepath.Base(file), err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// runPlugin runs one plugin under the host's policy.
func runPlugin(file, data string) error {
	name := filepath.Base(file)
	wc, err := lookProgram("wc")
	if err != nil {
		return err
	}
	r, err := runtime.New(
		runtime.AllowRead(data), // a read-only data directory
		runtime.AllowRun(wc),    // one allowed program
		runtime.WithStdout(prefixed(name)),
		runtime.WithStderr(prefixed(name)),
		runtime.WithFunc("report", func(L *lua.LState) int {
			fmt.Printf("%s: report %s = %s\n", name, L.CheckString(1), L.ToString(2))
			return 0
		}),
	)
	if err != nil {
		return err
	}
	defer r.Close()
	r.LState().SetGlobal("DATA", lua.LString(data))
	r.LState().SetGlobal("WC", lua.LString(wc))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = r.DoFile(ctx, file)
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		fmt.Printf("%s: exited with status %d (the host goes on)\n", name, exit.Code)
		return nil
	}
	return err
}

// lookProgram finds a program in the usual places.
func lookProgram(name string) (string, error) {
	for _, dir := range []string{"/usr/bin", "/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

// prefixed writes a plugin's output lines with its name in front.
type prefixed string

func (p prefixed) Write(b []byte) (int, error) {
	fmt.Printf("%s: says %s", string(p), b)
	return len(b), nil
}
