//go:build linux

package tests

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// globCases are patterns and what Python's glob.glob(pattern,
// recursive=True) gives for them, sorted, in the tree globTree makes.
var globCases = []struct {
	pattern string
	want    []string
}{
	{"*", []string{"a.txt", "b.txt", "c", "dangling", "empty", "link-to-c", "x[1]"}},
	{"*.txt", []string{"a.txt", "b.txt"}},
	{".*", []string{".hidden"}},
	{"**", []string{"a.txt", "b.txt", "c", "c/d.txt", "c/e", "c/e/f.txt", "dangling", "empty", "link-to-c", "link-to-c/d.txt", "link-to-c/e", "link-to-c/e/f.txt", "x[1]", "x[1]/y"}},
	{"**/*.txt", []string{"a.txt", "b.txt", "c/d.txt", "c/e/f.txt", "link-to-c/d.txt", "link-to-c/e/f.txt"}},
	{"c/**", []string{"c/", "c/d.txt", "c/e", "c/e/f.txt"}},
	{"c/**/", []string{"c/", "c/e/"}},
	{"*/", []string{"c/", "empty/", "link-to-c/", "x[1]/"}},
	{"c/*/*.txt", []string{"c/e/f.txt"}},
	{"[ab].txt", []string{"a.txt", "b.txt"}},
	{"[!a]*", []string{"b.txt", "c", "dangling", "empty", "link-to-c", "x[1]"}},
	{"?.txt", []string{"a.txt", "b.txt"}},
	{"**/.h/*", []string{"c/.h/x.txt", "link-to-c/.h/x.txt"}},
	{"c/.h/*", []string{"c/.h/x.txt"}},
	{"nope/*", []string{}},
	{"x[[]1]/*", []string{"x[1]/y"}},
	{"x[1]/*", []string{}},
	{"link-to-c/**/*.txt", []string{"link-to-c/d.txt", "link-to-c/e/f.txt"}},
	{"", []string{}},
	{"**/", []string{"c/", "c/e/", "empty/", "link-to-c/", "link-to-c/e/", "x[1]/"}},
	{"dangling", []string{"dangling"}},
	{"c/", []string{"c/"}},
	{"c", []string{"c"}},
	{"*/*", []string{"c/d.txt", "c/e", "link-to-c/d.txt", "link-to-c/e", "x[1]/y"}},
	{"c/**/*", []string{"c/d.txt", "c/e", "c/e/f.txt"}},
	{"**/e", []string{"c/e", "link-to-c/e"}},
	{"a.txt/", []string{}},
	{"empty/**", []string{"empty/"}},
	{"*[", []string{}},
}

// globTree makes the tree of globCases in a new directory.
func globTree(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{"c/.h", "c/e", "x[1]", "empty"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"a.txt", "b.txt", ".hidden", "c/d.txt", "c/.h/x.txt", "c/e/f.txt", "x[1]/y"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("c", filepath.Join(dir, "link-to-c"))
	os.Symlink("nowhere", filepath.Join(dir, "dangling"))
	return dir
}

// TestGlobLikePython checks os.glob against Python's glob.glob(pattern,
// recursive=True) for every pattern of globCases: against the results
// recorded there, and against python3 itself where it is installed.
func TestGlobLikePython(t *testing.T) {
	dir := globTree(t)
	t.Chdir(dir)
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(new(strings.Builder)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var patterns []string
	for _, c := range globCases {
		patterns = append(patterns, c.pattern)
		fn, err := r.LState().LoadString(`return table.concat(os.glob(...), "\n")`)
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Call(context.Background(), fn, lua.LString(c.pattern))
		if err != nil {
			t.Fatal(describe(err))
		}
		got := []string{}
		if s := res[0].String(); s != "" {
			got = strings.Split(s, "\n")
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("os.glob(%q) = %q, Python says %q", c.pattern, got, c.want)
		}
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Log("python3 is not installed: checked against the recorded results only")
		return
	}
	arg, _ := json.Marshal(patterns)
	out, err := exec.Command(python, "-c", `import glob, json, sys
print(json.dumps([sorted(glob.glob(p, recursive=True)) for p in json.loads(sys.argv[1])]))`, string(arg)).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var py [][]string
	if err := json.Unmarshal(out, &py); err != nil {
		t.Fatal(err)
	}
	for i, c := range globCases {
		if !reflect.DeepEqual(py[i], c.want) {
			t.Errorf("python3 now says glob(%q) = %q; the recorded %q is stale", c.pattern, py[i], c.want)
		}
	}
}

// openOn counts the process's descriptors open on path.
func openOn(t *testing.T, path string) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if target, _ := os.Readlink("/proc/self/fd/" + e.Name()); target == path {
			n++
		}
	}
	return n
}

// TestScandirClosedWithRuntime checks that closing a runtime closes the
// directory streams its scripts left open.
func TestScandirClosedWithRuntime(t *testing.T) {
	dir := t.TempDir()
	for i := range 3000 {
		os.WriteFile(filepath.Join(dir, "f"+strconv.Itoa(i)), nil, 0o644)
	}
	r, err := runtime.New(runtime.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	r.LState().SetGlobal("DIR", lua.LString(dir))
	if err := r.DoString(context.Background(), `it1 = os.scandir(DIR) it1() it2 = os.scandir(DIR) it2()`, "left"); err != nil {
		t.Fatal(describe(err))
	}
	if n := openOn(t, dir); n != 2 {
		t.Fatalf("%d streams open, want 2", n)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n := openOn(t, dir); n != 0 {
		t.Fatalf("%d streams still open after Close", n)
	}
}

// TestPolicyAllowsFiles checks the other side of the escape corpus for the
// file system calls: what the host granted works in a restricted runtime,
// relative paths follow os.chdir, and the process's own working directory
// never moves.
func TestPolicyAllowsFiles(t *testing.T) {
	top := t.TempDir()
	root, rw := filepath.Join(top, "root"), filepath.Join(top, "rw")
	os.MkdirAll(filepath.Join(root, "sub"), 0o755)
	os.MkdirAll(rw, 0o755)
	os.WriteFile(filepath.Join(root, "data.txt"), []byte("data"), 0o644)
	os.WriteFile(filepath.Join(root, "sub", "inner.txt"), []byte("inner"), 0o644)
	os.Symlink("data.txt", filepath.Join(root, "inner-link"))
	t.Setenv("SAFESH_ALLOWED", "yes")
	t.Setenv("SAFESH_SECRET", "no")
	before, _ := os.Getwd()
	r, err := runtime.New(runtime.AllowRead(root), runtime.AllowWrite(rw), runtime.AllowRun("/bin/sleep"),
		runtime.AllowEnv("SAFESH_ALLOWED"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	code := `
		local function sorted(t) table.sort(t) return table.concat(t, ",") end
		assert(os.getcwd() == ROOT, "the first root is the working directory: " .. tostring(os.getcwd()))
		assert(os.stat("data.txt").size == 4, "stat relative to it")
		assert(os.stat(ROOT .. "/inner-link").size == 4, "stat through a link that stays inside")
		assert(os.lstat(ROOT .. "/inner-link").type == "link", "lstat")
		assert(os.readlink(ROOT .. "/inner-link") == "data.txt", "readlink")
		assert(sorted(os.listdir(ROOT)) == "data.txt,inner-link,sub", "listdir")
		local n = 0 for e in os.scandir(ROOT) do n = n + 1 end
		assert(n == 3, "scandir")
		assert(sorted(os.glob(ROOT .. "/**/*.txt")) == ROOT .. "/data.txt," .. ROOT .. "/sub/inner.txt", "glob")
		assert(os.path.exists("data.txt") and os.path.isdir("sub") and not os.path.exists("nope"), "os.path tests")
		assert(os.access("data.txt", "r") and not os.access("data.txt", "w"), "access says what the policy allows")
		assert(os.realpath("inner-link") == ROOT .. "/data.txt", "realpath")
		assert(os.chdir("sub"), "chdir")
		assert(os.getcwd() == ROOT .. "/sub", "getcwd after chdir")
		assert(io.open("inner.txt"):read("*a") == "inner", "a relative open after chdir")
		assert(io.open("../data.txt"):read("*a") == "data", "and .. from there")
		assert(os.path.abspath("x") == ROOT .. "/sub/x", "abspath from the new cwd")
		assert(os.chdir(RW), "chdir to the writable root")
		assert(os.makedirs("a/b/c"), "makedirs, relative")
		assert(os.mkdir(RW .. "/m", 448) and os.stat(RW .. "/m").perm == 448, "mkdir with a mode")
		local f = assert(io.open("a/f", "w")) f:write("12345") f:close()
		assert(os.chmod("a/f", 384) and os.stat("a/f").perm == 384, "chmod")
		assert(os.utime("a/f", 1, 2) and os.stat("a/f").mtime == 2, "utime")
		assert(os.truncate("a/f", 2) and os.stat("a/f").size == 2, "truncate")
		local wfd = assert(os.open("a/f", "r+"))
		assert(os.chmod(wfd, 420) and os.truncate(wfd, 1) and os.chown(wfd, -1, -1), "fchmod, ftruncate, fchown of a writable descriptor")
		os.close(wfd)
		assert(os.symlink("f", "a/l") and io.open("a/l"):read("*a") == "1", "a link inside, followed")
		assert(os.link("a/f", "a/h") and os.stat("a/h").nlink == 2, "link")
		assert(os.replace("a/h", "a/h2") and os.unlink("a/h2") and os.unlink("a/l"), "replace, unlink")
		assert(os.rmdir("a/b/c"), "rmdir")
		local env = os.environ()
		assert(env.SAFESH_ALLOWED == "yes" and env.SAFESH_SECRET == nil and env.PATH == nil, "environ: the allowed variables only")
		local sp = require("subprocess")
		local p = assert(sp.Popen({"/bin/sleep", "10"}))
		assert(os.kill(p.pid, 0), "kill 0 of a child")
		assert(os.kill(p.pid, "TERM"), "kill a child")
		p:wait()
		assert(p.returncode == -15, "the child died of SIGTERM: " .. tostring(p.returncode))
	`
	L := r.LState()
	L.SetGlobal("ROOT", lua.LString(root))
	L.SetGlobal("RW", lua.LString(rw))
	if err := r.DoString(context.Background(), code, "allows"); err != nil {
		t.Fatal(describe(err))
	}
	if wd, _ := os.Getwd(); wd != before {
		t.Fatalf("the process's working directory moved to %s", wd)
	}
}

// TestMoveAcrossGrantedFileSystems moves a file and a tree between two
// writable granted directories on different file systems (the test's
// temporary directory and /dev/shm): rename says EXDEV, and shutil.move
// copies and removes instead of reporting a refusal.
func TestMoveAcrossGrantedFileSystems(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "safesh-test")
	if err != nil {
		t.Skipf("no /dev/shm: %v", err)
	}
	defer os.RemoveAll(shm)
	var a, b unix.Stat_t
	dir := t.TempDir()
	if unix.Stat(shm, &a) != nil || unix.Stat(dir, &b) != nil || a.Dev == b.Dev {
		t.Skip("/dev/shm is on the same file system as the temporary directory")
	}
	os.WriteFile(filepath.Join(dir, "f"), []byte("file"), 0o644)
	os.MkdirAll(filepath.Join(dir, "tree", "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "tree", "sub", "g"), []byte("tree"), 0o644)
	r, err := runtime.New(runtime.AllowWrite(dir, shm))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("DIR", lua.LString(dir))
	r.LState().SetGlobal("SHM", lua.LString(shm))
	err = r.DoString(context.Background(), `
		local shutil = require("shutil")
		local ok, msg, errno = os.replace(DIR .. "/f", SHM .. "/f")
		assert(ok == nil and errno == os.errno.EXDEV, "a rename across says EXDEV: " .. tostring(msg))
		assert(shutil.move(DIR .. "/f", SHM .. "/f") == SHM .. "/f", "move a file across")
		assert(shutil.move(DIR .. "/tree", SHM) == SHM .. "/tree", "move a tree across")
		assert(io.open(SHM .. "/tree/sub/g"):read("*a") == "tree", "the tree arrived")
		assert(not os.path.exists(DIR .. "/tree") and not os.path.exists(DIR .. "/f"), "and left")
	`, "move")
	if err != nil {
		t.Fatal(describe(err))
	}
}
