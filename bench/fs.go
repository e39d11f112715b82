//go:build linux

package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/safesh/safesh/runtime"
)

// An FsWorkload is one file system operation on a large set of files,
// done once per run by safesh's Lua, by CPython and, where there is one,
// by a command: each times itself (Lua with time.monotonic, Python with
// time.perf_counter, the command from Go around its run), after a setup
// that is not timed. Setup makes the files in dir for a run; size scales
// the work (files, or bytes).
type FsWorkload struct {
	Name  string
	Size  int // the size of the comparison
	Setup func(dir string, size int) error
	// LuaSetup and PySetup run before the timed part, in the same
	// process; dir and size are variables of both.
	LuaSetup, Lua string
	PySetup, Py   string
	// Shell, if not empty, is a command (sh -c) doing the same, with $1
	// the directory and $2 the size; ShellName names it in reports.
	Shell, ShellName string
}

// FsWorkloads are the file system comparisons of issue 14: copyfile of
// 1 GiB against cp and CPython, listdir and scandir of 100,000 entries,
// stat of 100,000 files, rmtree of a tree of 10,000 files and makedirs
// of 1,000 nested paths against CPython.
var FsWorkloads = []FsWorkload{
	{
		Name:    "copyfile 1 GiB",
		Size:    1 << 30,
		Setup:   bigFile,
		Lua:     `require("shutil").copyfile(dir .. "/big", dir .. "/big.copy")`,
		PySetup: `import shutil`,
		Py:      `shutil.copyfile(dir + "/big", dir + "/big.copy")`,
		Shell:   `cp "$1/big" "$1/big.copy"`, ShellName: "cp",
	},
	{
		Name:  "listdir 100,000 entries",
		Size:  100000,
		Setup: manyFiles,
		Lua:   `local names = os.listdir(dir .. "/many") assert(#names == size)`,
		Py:    `names = os.listdir(dir + "/many"); assert len(names) == size`,
	},
	{
		Name:  "scandir 100,000 entries",
		Size:  100000,
		Setup: manyFiles,
		Lua: `local n, dirs = 0, 0
			for e in os.scandir(dir .. "/many") do n = n + 1 if e.type == "dir" then dirs = dirs + 1 end end
			assert(n == size)`,
		Py: `n = dirs = 0
    for e in os.scandir(dir + "/many"):
        n += 1
        if e.is_dir(follow_symlinks=False): dirs += 1
    assert n == size`,
	},
	{
		Name:     "stat 100,000 files",
		Size:     100000,
		Setup:    manyFiles,
		LuaSetup: `local stat, paths = os.stat, {} for i = 1, size do paths[i] = dir .. "/many/f" .. i end`,
		Lua:      `for i = 1, size do local st = stat(paths[i]) assert(st.size == 0) end`,
		PySetup:  `stat = os.stat; paths = [dir + "/many/f" + str(i) for i in range(1, size + 1)]`,
		Py: `for p in paths:
        st = stat(p); assert st.st_size == 0`,
	},
	{
		Name:      "rmtree of 10,000 files",
		Size:      10000,
		Setup:     fileTree,
		Lua:       `assert(require("shutil").rmtree(dir .. "/tree"))`,
		PySetup:   `import shutil`,
		Py:        `shutil.rmtree(dir + "/tree")`,
		Shell:     `rm -rf "$1/tree"`,
		ShellName: "rm -rf",
	},
	{
		Name:     "makedirs of 1,000 nested paths",
		Size:     1000,
		Setup:    emptyDir("nest"),
		LuaSetup: `local makedirs, base = os.makedirs, dir .. "/nest/"`,
		Lua:      `for i = 1, size do assert(makedirs(base .. i .. "/a/b/c/d")) end`,
		PySetup:  `makedirs = os.makedirs; base = dir + "/nest/"`,
		Py: `for i in range(1, size + 1):
        makedirs(base + str(i) + "/a/b/c/d")`,
		Shell:     `cd "$1/nest" && i=1 && while [ $i -le $2 ]; do echo $i/a/b/c/d; i=$((i+1)); done | xargs mkdir -p`,
		ShellName: "mkdir -p",
	},
}

// bigFile makes dir/big of size bytes of data (real blocks, not a sparse
// file), once; each run removes the copy.
func bigFile(dir string, size int) error {
	os.Remove(filepath.Join(dir, "big.copy"))
	path := filepath.Join(dir, "big")
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(size) {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i * 7)
	}
	for left := size; left > 0; left -= len(block) {
		if _, err := w.Write(block[:min(left, len(block))]); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// manyFiles makes dir/many holding f1 ... f<size>, empty, once.
func manyFiles(dir string, size int) error {
	many := filepath.Join(dir, "many")
	if ents, err := os.ReadDir(many); err == nil && len(ents) == size {
		return nil
	}
	os.RemoveAll(many)
	if err := os.Mkdir(many, 0o755); err != nil {
		return err
	}
	for i := 1; i <= size; i++ {
		f, err := os.Create(filepath.Join(many, "f"+strconv.Itoa(i)))
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}

// fileTree makes dir/tree: 100 directories of size/100 empty files.
func fileTree(dir string, size int) error {
	tree := filepath.Join(dir, "tree")
	os.RemoveAll(tree)
	per := max(size/100, 1)
	for d := 0; d < size; d += per {
		sub := filepath.Join(tree, "d"+strconv.Itoa(d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		for i := range min(per, size-d) {
			f, err := os.Create(filepath.Join(sub, "f"+strconv.Itoa(i)))
			if err != nil {
				return err
			}
			f.Close()
		}
	}
	return nil
}

// emptyDir returns a setup that makes dir/name new and empty.
func emptyDir(name string) func(dir string, size int) error {
	return func(dir string, size int) error {
		p := filepath.Join(dir, name)
		os.RemoveAll(p)
		return os.Mkdir(p, 0o755)
	}
}

// RunFsLua runs w once in a fresh safesh runtime, as the command line
// sets one up, and returns the time the script measured.
func RunFsLua(w FsWorkload, size int, dir string) (time.Duration, error) {
	if err := w.Setup(dir, size); err != nil {
		return 0, err
	}
	r, err := runtime.New(runtime.Unrestricted(), runtime.ExitProcess())
	if err != nil {
		return 0, err
	}
	defer r.Close()
	code := fmt.Sprintf(`local dir, size = %q, %d
		local time = require("time")
		%s
		local t0 = time.monotonic()
		%s
		fs_elapsed = time.monotonic() - t0`, dir, size, w.LuaSetup, w.Lua)
	if err := r.DoString(context.Background(), code, w.Name); err != nil {
		return 0, fmt.Errorf("%s: %w", w.Name, err)
	}
	s, err := strconv.ParseFloat(r.LState().GetGlobal("fs_elapsed").String(), 64)
	if err != nil {
		return 0, fmt.Errorf("%s: no time: %w", w.Name, err)
	}
	return time.Duration(s * 1e9), nil
}

// RunFsPython runs w once in CPython and returns the time it measured.
func RunFsPython(python string, w FsWorkload, size int, dir string) (time.Duration, error) {
	if err := w.Setup(dir, size); err != nil {
		return 0, err
	}
	py := w.PySetup
	if py == "" {
		py = "pass"
	}
	body := w.Py
	script := fmt.Sprintf("import os, time\ndef main(dir, size):\n    %s\n    t0 = time.perf_counter()\n    %s\n    return time.perf_counter() - t0\nprint(main(%q, %d))\n",
		py, body, dir, size)
	out, err := exec.Command(python, "-c", script).Output()
	if err != nil {
		return 0, fmt.Errorf("python3 %s: %v", w.Name, err)
	}
	s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		return 0, fmt.Errorf("python3 %s: %q", w.Name, out)
	}
	return time.Duration(s * 1e9), nil
}

// RunFsShell runs w's command once and returns how long it took.
func RunFsShell(w FsWorkload, size int, dir string) (time.Duration, error) {
	if err := w.Setup(dir, size); err != nil {
		return 0, err
	}
	start := time.Now()
	if out, err := exec.Command("sh", "-c", w.Shell, "sh", dir, strconv.Itoa(size)).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%s: %v: %s", w.ShellName, err, out)
	}
	return time.Since(start), nil
}
