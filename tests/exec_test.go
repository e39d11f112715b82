//go:build linux

package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// runSafeshCommand runs the safesh command on a script and returns its
// standard output; it must exit 0.
func runSafeshCommand(t *testing.T, script string, args ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.lua")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("safesh", append([]string{path}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("safesh: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	return string(out)
}

// TestExecDescriptors replaces safesh with lsfds and reads, from the new
// image's side, which descriptors it has: exactly 0, 1, 2 and the one the
// script made inheritable, none of the many the script and the Go
// runtime had open close-on-exec. What the script had printed and
// written, still buffered, comes first.
func TestExecDescriptors(t *testing.T) {
	dir := t.TempDir()
	out := runSafeshCommand(t, `
		local dir = arg[1]
		local keep = {}
		for i = 1, 10 do keep[i] = assert(os.open(dir .. "/f" .. i, "w")) end
		local r, w = os.pipe()
		local f = assert(io.open(dir .. "/buffered", "w"))
		f:write("written before the exec")
		for e in os.scandir(dir) do break end
		local socket = require("socket")
		local a, b = socket.socketpair()
		assert(os.dup2(keep[3], 40) == 40) -- inheritable, as dup2's copy is by default
		io.write("printed before the exec\n")
		local ok, msg, errno = os.exec({"lsfds"})
		error("os.exec returned: " .. tostring(msg))
	`, dir)
	lines := strings.SplitN(out, "\n", 2)
	if lines[0] != "printed before the exec" {
		t.Fatalf("the buffered output did not come first: %q", out)
	}
	fds, err := fdtest.Parse(lines[1])
	if err != nil {
		t.Fatal(err)
	}
	// What any child of this test gets: 0, 1, 2, and whatever the test
	// itself inherited, which safesh inherited too and rightly passes on.
	want := childBaseline(t)
	for fd := range fds {
		if _, ok := want[fd]; !ok && fd != 40 {
			t.Errorf("the new image has fd %d (%s), which the script did not make inheritable", fd, fds[fd].Target)
		}
	}
	for fd := range want {
		if _, ok := fds[fd]; !ok {
			t.Errorf("the new image lacks fd %d, which safesh inherited", fd)
		}
	}
	if fds[40].Target != filepath.Join(dir, "f3") {
		t.Fatalf("fd 40 is %q, want %s", fds[40].Target, filepath.Join(dir, "f3"))
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "buffered")); string(data) != "written before the exec" {
		t.Fatalf("a file's buffer was lost: %q", data)
	}
}

// TestExecOptions checks env, cwd and the PATH lookup from them.
func TestExecOptions(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	os.WriteFile(filepath.Join(bin, "prog"), []byte("#!/bin/sh\necho \"prog in $(pwd) with FOO=$FOO\"\n"), 0o755)
	out := runSafeshCommand(t, `os.exec({"prog"}, {env = {FOO = "bar", PATH = arg[1] .. "/bin"}, cwd = arg[1]})`, dir)
	if want := "prog in " + dir + " with FOO=bar\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	out = runSafeshCommand(t, `os.exec({"./bin/prog"}, {cwd = arg[1]})`, dir)
	if want := "prog in " + dir + " with FOO=\n"; out != want {
		t.Fatalf("a relative program from cwd: got %q, want %q", out, want)
	}
}

// TestExecFailure checks that a failed os.exec returns nil, message,
// errno and leaves the process as it was: its working directory, its
// descriptors, its output.
func TestExecFailure(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "noexec"), []byte("#!/bin/sh\n"), 0o644)
	out := runSafeshCommand(t, `
		local dir = arg[1]
		local cwd = os.getcwd()
		local before = #os.fds()
		local function check(cond, what) if not cond then error(what, 2) end end
		local ok, msg, errno = os.exec({"/nonexistent/prog"})
		check(ok == nil and errno == os.errno.ENOENT and msg == "exec: /nonexistent/prog: no such file or directory", "ENOENT: " .. tostring(msg))
		ok, msg, errno = os.exec({dir .. "/noexec"}, {cwd = "/"})
		check(ok == nil and errno == os.errno.EACCES, "EACCES: " .. tostring(msg))
		check(os.getcwd() == cwd, "the working directory is back: " .. os.getcwd())
		ok, msg, errno = os.exec({"true"}, {cwd = dir .. "/nope"})
		check(ok == nil and errno == os.errno.ENOENT and msg:find("^chdir: "), "a bad cwd: " .. tostring(msg))
		ok, msg, errno = os.exec({"no-such-program-anywhere"})
		check(ok == nil and errno == os.errno.ENOENT, "not on PATH: " .. tostring(msg))
		check(#os.fds() == before, "no descriptor left or lost")
		check(not pcall(os.exec, "ls"), "a string is a bad argument")
		check(select(2, pcall(os.exec, {})):find("empty argument list"), "an empty list")
		check(select(2, pcall(os.exec, {"ls"}, {shell = true})):find("unknown option 'shell'"), "an unknown option")
		check(select(2, pcall(os.exec, {"ls"}, {cwd = 1})):find("cwd: string expected"), "a bad cwd type")
		check(select(2, pcall(os.exec, {"ls"}, {env = {A = {}}})):find("env: bad entry"), "a bad env")
		print("still here")
	`, dir)
	if out != "still here\n" {
		t.Fatalf("got %q", out)
	}
}

// TestExecOnlyWhenOwningTheProcess checks that os.exec is refused in a
// runtime that is not the whole process: a restricted one (the escape
// corpus has it too), and an unrestricted one embedded without
// ExitProcess, whose host would be replaced.
func TestExecOnlyWhenOwningTheProcess(t *testing.T) {
	for name, opts := range map[string][]runtime.Option{
		"restricted":                    {runtime.AllowRun("/bin/true")},
		"unrestricted, not ExitProcess": {runtime.Unrestricted()},
	} {
		r, err := runtime.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		fn, _ := r.LState().LoadString(`return os.exec({"/bin/true"})`)
		res, err := r.Call(context.Background(), fn)
		if err != nil {
			t.Fatalf("%s: %v", name, describe(err))
		}
		if len(res) != 3 || res[0] != lua.LNil || res[2].String() != "1" {
			t.Fatalf("%s: got %v, want nil, message, EPERM", name, res)
		}
		t.Logf("%s: %s", name, res[1])
		r.Close()
	}
}

// childBaseline returns what any child of this test gets (lsfds run
// directly): 0, 1, 2 and whatever the test itself inherited, which safesh
// inherited too and rightly passes on.
func childBaseline(t *testing.T) map[int]fdtest.Fd {
	t.Helper()
	base, err := exec.Command("lsfds").Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := fdtest.Parse(string(base))
	if err != nil {
		t.Fatal(err)
	}
	return want
}
