//go:build linux

package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// A Row is one line of the table that issue 17 set goals for: a Workload
// whose Lua and Python forms are run as whole processes (the safesh
// command, python3), N operations, with the start-up (the same program
// with none) subtracted. Go, if set, is the raw x/sys form, for rows
// whose goal is a ratio to it.
type Row struct {
	Workload
	N     int     // operations per process
	Bytes int64   // for a transfer: bytes one operation moves (then MB/s)
	Goal  float64 // the goal for safesh's time over the reference's
	Ref   string  // "CPython" or "Go": what Goal compares with
	Pin   bool    // run the interpreter on CPU 0 (taskset)
	// Writer, for a read row, is the shell command the child runs: the
	// table command also times ReadFloor on it, the same reads in Go.
	Writer string
}

// readRow is a read of 1 GiB from a child writing zeros, in 64 KiB reads
// of its stdout file. Pinned, the reading interpreter runs on CPU 0 (the
// table command starts it so) and the child on CPU 1.
func readRow(name, writer string) Row {
	argv := `{"taskset", "-c", "1", "sh", "-c", ` + strconv.Quote(writer) + `}`
	pyArgv := `["taskset", "-c", "1", "sh", "-c", ` + strconv.Quote(writer) + `]`
	return Row{N: 1, Bytes: 1 << 30, Goal: 1.0, Ref: "CPython", Pin: true, Writer: writer, Workload: Workload{
		Name: name,
		LuaSetup: `local sp = require("subprocess") local argv = ` + argv + `
			local function drain(r) local n = 0 while true do local s = r:read(65536) if not s then return n end n = n + #s end end`,
		Lua:     `local p = sp.Popen(argv, {stdout = sp.PIPE}) assert(drain(p.stdout) == 1073741824) p:wait()`,
		PySetup: "import subprocess\n" + `argv = ` + pyArgv + "\n" + "def drain(r):\n    n = 0\n    while True:\n        s = r.read(65536)\n        if not s: return n\n        n += len(s)",
		Py:      `p = subprocess.Popen(argv, stdout=subprocess.PIPE); assert drain(p.stdout) == 1073741824; p.wait()`,
	}}
}

// spawnRow is spawn+wait of /bin/true with open more descriptors open,
// passing pass (-1: none).
func spawnRow(name string, n, open, pass int) Row {
	luaPass, pyPass := "{}", "()"
	setupLua, setupPy := "", ""
	if pass >= 0 {
		luaPass, pyPass = fmt.Sprintf("{%d}", pass), fmt.Sprintf("(%d,)", pass)
		setupLua = fmt.Sprintf(`os.dup2(0, %d, false)`, pass)
		setupPy = fmt.Sprintf(`os.dup2(0, %d, inheritable=False)`, pass)
	}
	return Row{N: n, Goal: 0.9, Ref: "CPython", Workload: Workload{
		Name: name,
		LuaSetup: fmt.Sprintf(`local sp = require("subprocess") local argv = {"/bin/true"} local opts = {pass_fds = %s}
			local keep = {} for i = 1, %d do keep[i] = os.dup(0) end %s`, luaPass, open, setupLua),
		Lua: `sp.Popen(argv, opts):wait()`,
		PySetup: fmt.Sprintf("import subprocess\nargv = [\"/bin/true\"]\npfds = %s\nkeep = [os.dup(0) for _ in range(%d)]\n%s",
			pyPass, open, setupPy),
		Py: `subprocess.Popen(argv, pass_fds=pfds).wait()`,
	}}
}

// TableRows are the rows of issue 17's table, in its order, then the
// descriptor calls whose goal is a ratio to raw x/sys.
var TableRows = []Row{
	spawnRow("spawn+wait /bin/true, 3 fds", 2000, 0, -1),
	spawnRow("same, 10,000 fds open", 300, 10000, -1),
	spawnRow("same, passing fd 10,000", 1000, 0, 10000),
	readRow("read 1 GiB, head -c, 64 KiB reads, pinned", "head -c 1G /dev/zero"),
	readRow("same from dd bs=1M, pinned", "dd if=/dev/zero bs=1M count=1024 status=none"),
	{N: 4, Bytes: 256 << 20, Goal: 0.8, Ref: "CPython", Workload: Workload{
		Name:     "capture 256 MiB (run capture_output)",
		LuaSetup: `local sp = require("subprocess") local argv = {"head", "-c", "256M", "/dev/zero"} local opts = {capture_output = true}`,
		Lua:      `assert(#sp.run(argv, opts).stdout == 268435456)`,
		PySetup:  "import subprocess\nargv = [\"head\", \"-c\", \"256M\", \"/dev/zero\"]",
		Py:       `assert len(subprocess.run(argv, capture_output=True).stdout) == 268435456`,
	}},
	{N: 200000, Goal: 1.0, Ref: "CPython", Workload: Workload{
		Name:     "open+close a file (in-loop)",
		LuaSetup: `local path = dir .. "/f" assert(io.open(path, "w")):close()`,
		Lua:      `local f = io.open(path) f:close()`,
		PySetup:  `path = dir + "/f"; open(path, "w").close()`,
		Py:       `f = open(path); f.close()`,
	}},
	descRow("os.open+os.close", "open+close"),
	descRow("os.dup+os.close", "dup+close"),
	descRow("os.get_inheritable", "get_inheritable"),
	descRow("os.set_inheritable", "set_inheritable"),
}

// descRow is the Workload named w as a row whose goal is 1.3 times raw
// x/sys.
func descRow(name, w string) Row {
	for _, x := range Workloads {
		if x.Name == w {
			x.Name = name
			return Row{N: 1000000, Goal: 1.3, Ref: "Go", Workload: x}
		}
	}
	panic("bench: no workload " + w)
}

// LuaProgram returns r as a script for the safesh command: its first
// argument is the number of operations.
func (r Row) LuaProgram(dir string) string {
	return fmt.Sprintf("local dir = %q\nlocal n = tonumber(arg[1])\n%s\nfor _ = 1, n do %s end\n", dir, r.LuaSetup, r.Lua)
}

// PyProgram returns r as a script for python3: its first argument is the
// number of operations.
func (r Row) PyProgram(dir string) string {
	return fmt.Sprintf("import os, sys\ndir = %q\nn = int(sys.argv[1])\n%s\nfor _ in range(n):\n    %s\n", dir, r.PySetup, r.Py)
}

// RunProcess runs argv (a program that takes the count as its last
// argument) with n operations and with none, and returns the difference
// of the wall-clock times (monotonic), per operation: start-up and setup
// are not counted. pin, if set, runs it on CPU 0 (taskset).
func RunProcess(argv []string, n int, pin bool) (time.Duration, error) {
	run := func(k int) (time.Duration, error) {
		a := append(append([]string(nil), argv...), strconv.Itoa(k))
		if pin {
			a = append([]string{"taskset", "-c", "0"}, a...)
		}
		cmd := exec.Command(a[0], a[1:]...)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("%s: %v: %s", strings.Join(a, " "), err, out.String())
		}
		return d, nil
	}
	zero, err := run(0)
	if err != nil {
		return 0, err
	}
	full, err := run(n)
	if err != nil {
		return 0, err
	}
	return max(full-zero, 0) / time.Duration(n), nil
}

// WriteRowPrograms writes r's Lua and Python programs into dir and
// returns their paths.
func WriteRowPrograms(r Row, i int, dir string) (lua, py string, err error) {
	lua = filepath.Join(dir, fmt.Sprintf("row%d.lua", i))
	py = filepath.Join(dir, fmt.Sprintf("row%d.py", i))
	if err := os.WriteFile(lua, []byte(r.LuaProgram(dir)), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(py, []byte(r.PyProgram(dir)), 0o644); err != nil {
		return "", "", err
	}
	return lua, py, nil
}

// ReadFloor is a read row's floor: n times, it starts sh -c writer on
// CPU 1 and reads its output to the end in 64 KiB reads (read(2) until
// 64 KiB or the end, as file:read(65536) does) into one reused buffer,
// in Go, with nothing allocated per read. Run in a process of its own on
// CPU 0, it is what the reads cost in a Go program before any Lua.
func ReadFloor(writer string, n int) error {
	buf := make([]byte, 64<<10)
	for range n {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return err
		}
		cmd := exec.Command("taskset", "-c", "1", "sh", "-c", writer)
		cmd.Stdout = os.NewFile(uintptr(p[1]), "pipe")
		err := cmd.Start()
		unix.Close(p[1])
		if err != nil {
			unix.Close(p[0])
			return err
		}
		total := 0
	read:
		for {
			got := 0
			for got < len(buf) {
				k, err := unix.Read(p[0], buf[got:])
				if err == unix.EINTR {
					continue
				}
				if err != nil {
					unix.Close(p[0])
					return err
				}
				if k == 0 {
					total += got
					break read
				}
				got += k
			}
			total += got
		}
		unix.Close(p[0])
		if err := cmd.Wait(); err != nil {
			return err
		}
		if total != 1<<30 {
			return fmt.Errorf("read %d bytes, not 1 GiB", total)
		}
	}
	return nil
}
