//go:build linux

package tests

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// TestRmtreeSymlinkSwap runs shutil.rmtree on a tree while another
// goroutine keeps swapping one of its directories for a symbolic link to
// a directory outside the tree, many times: the files outside must always
// survive, and each rmtree must remove the tree (the swapped-in link
// included) or report an error, never follow the link out.
func TestRmtreeSymlinkSwap(t *testing.T) {
	top := t.TempDir()
	outside := filepath.Join(top, "outside")
	os.Mkdir(outside, 0o755)
	var precious []string
	for i := range 20 {
		p := filepath.Join(outside, "precious-"+strconv.Itoa(i))
		if err := os.WriteFile(p, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		precious = append(precious, p)
	}
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(new(strings.Builder)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fn, err := r.LState().LoadString(`return require("shutil").rmtree(...)`)
	if err != nil {
		t.Fatal(err)
	}
	rounds := 100
	if testing.Short() {
		rounds = 20
	}
	reasons := map[string]int{}
	whole := 0
	const victims = 8
	for round := range rounds {
		tree := filepath.Join(top, "tree"+strconv.Itoa(round))
		var vs []string
		for v := range victims {
			victim := filepath.Join(tree, "a", "victim"+strconv.Itoa(v))
			os.MkdirAll(victim, 0o755)
			for i := range 10 {
				os.WriteFile(filepath.Join(victim, "f"+strconv.Itoa(i)), nil, 0o644)
			}
			vs = append(vs, victim)
		}
		os.MkdirAll(filepath.Join(tree, "z"), 0o755)
		// The attacker: each victim directory becomes a link to outside,
		// then a directory again, as fast as it can, until rmtree ends.
		var stop atomic.Bool
		var wg sync.WaitGroup
		started := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			once := sync.OnceFunc(func() { close(started) })
			defer once()
			for !stop.Load() {
				for _, v := range vs {
					if os.Rename(v, v+".aside") == nil {
						os.Symlink(outside, v)
					}
				}
				once()
				runtimeGosched()
				for _, v := range vs {
					if fi, err := os.Lstat(v); err == nil && fi.Mode()&os.ModeSymlink != 0 {
						os.Remove(v) // the link, if rmtree left it
					}
					os.Rename(v+".aside", v)
				}
				runtimeGosched()
			}
		}()
		<-started
		res, err := r.Call(context.Background(), fn, lua.LString(tree))
		stop.Store(true)
		wg.Wait()
		if err != nil {
			t.Fatalf("round %d: rmtree raised: %v", round, describe(err))
		}
		for _, p := range precious {
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("round %d: rmtree followed the link out: %s is gone (%v)", round, p, err)
			}
		}
		if len(res) > 2 {
			reasons[res[2].String()]++
		}
		if res[0] == lua.LTrue {
			if _, err := os.Lstat(tree); err == nil {
				t.Fatalf("round %d: rmtree said true, and %s is still there", round, tree)
			}
			whole++
		}
		os.RemoveAll(tree) // what a reported error left, links removed as links
		for _, p := range precious {
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("cleanup removed %s", p)
			}
		}
	}
	t.Logf("%d of %d rounds removed the whole tree, the others reported errnos %v; the outside files survived every one", whole, rounds, reasons)
	if ents, _ := os.ReadDir(outside); len(ents) != len(precious) {
		t.Fatalf("the outside directory holds %d entries", len(ents))
	}
}

// runtimeGosched gives rmtree a chance to meet the links.
func runtimeGosched() { goruntime.Gosched() }

// TestFileWorkDescriptorsNotInherited copies files, lists and removes
// trees in one runtime while another starts lsfds again and again with
// close_fds = false (it inherits everything inheritable): no child may
// ever receive a descriptor the copying runtime opened.
func TestFileWorkDescriptorsNotInherited(t *testing.T) {
	dir := t.TempDir()
	data := strings.Repeat("x", 8<<20)
	if err := os.WriteFile(filepath.Join(dir, "src"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		os.WriteFile(filepath.Join(dir, "many-"+strconv.Itoa(i)), nil, 0o644)
	}
	worker, err := runtime.New(runtime.Unrestricted())
	if err != nil {
		t.Fatal(err)
	}
	defer worker.Close()
	worker.LState().SetGlobal("DIR", lua.LString(dir))
	work, err := worker.LState().LoadString(`
		local shutil = require("shutil")
		for i = 1, 20 do
			shutil.copyfile(DIR .. "/src", DIR .. "/dst")
			shutil.copy2(DIR .. "/src", DIR .. "/dst2")
			for e in os.scandir(DIR) do end
			os.listdir(DIR)
			os.glob(DIR .. "/many-1*")
			os.makedirs(DIR .. "/t/a/b")
			shutil.copytree(DIR .. "/t", DIR .. "/t2")
			shutil.rmtree(DIR .. "/t2")
		end`)
	if err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var seen []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			cmd := exec.Command("lsfds")
			out, err := cmd.Output()
			if err != nil {
				continue
			}
			fds, err := fdtest.Parse(string(out))
			if err != nil {
				continue
			}
			for _, fd := range fds {
				if strings.HasPrefix(fd.Target, dir) {
					mu.Lock()
					seen = append(seen, fmt.Sprintf("%d %s", fd.Fd, fd.Target))
					mu.Unlock()
				}
			}
		}
	}()
	// os/exec's children inherit only what is inheritable, as every
	// child does: the descriptors of the work must not be.
	if _, err := worker.Call(context.Background(), work); err != nil {
		t.Fatal(describe(err))
	}
	done.Store(true)
	wg.Wait()
	if len(seen) > 0 {
		t.Fatalf("children inherited the work's descriptors: %v", seen)
	}
}

// TestLongFileWorkIsInterruptible cancels a chunk copying a big file and
// one removing a big tree: each stops soon after the cancel. (The goal is
// well under a second; the test fails only past five, so as not to be a
// timed test on a noisy machine.)
func TestLongFileWorkIsInterruptible(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its holes are copied as zeros, a few GiB of work.
	if err := f.Truncate(8 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tree := filepath.Join(dir, "tree")
	for i := range 200 {
		d := filepath.Join(tree, strconv.Itoa(i))
		os.MkdirAll(d, 0o755)
		for j := range 100 {
			os.WriteFile(filepath.Join(d, strconv.Itoa(j)), nil, 0o644)
		}
	}
	for name, code := range map[string]string{
		"copyfile": `require("shutil").copyfile(BIG, BIG .. ".copy")`,
		"rmtree":   `require("shutil").rmtree(TREE)`,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := runtime.New(runtime.Unrestricted())
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			r.LState().SetGlobal("BIG", lua.LString(big))
			r.LState().SetGlobal("TREE", lua.LString(tree))
			ctx, cancel := context.WithCancel(context.Background())
			var cancelled time.Time
			time.AfterFunc(30*time.Millisecond, func() {
				cancelled = time.Now()
				cancel()
			})
			start := time.Now()
			err = r.DoString(ctx, code, name)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v (after %v); want context.Canceled", err, time.Since(start))
			}
			latency := time.Since(cancelled)
			t.Logf("returned %v after the cancel", latency.Round(time.Microsecond))
			if latency > 5*time.Second {
				t.Errorf("took %v to stop", latency)
			}
			if n := openOn(t, big) + openOn(t, big+".copy"); n != 0 {
				t.Errorf("%d descriptors left open", n)
			}
		})
	}
	os.Remove(big + ".copy")
}

// TestWalksMeetEACCES runs the walks as an unprivileged user over a tree
// with a directory it may not read: rmtree reports it to onerror and
// goes on, copytree reports it at the end, glob passes over it, listdir
// and scandir fail with EACCES. As root the test runs safesh as nobody.
func TestWalksMeetEACCES(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Dir(dir), 0o755) // t.TempDir's own parent, for nobody
	tree := filepath.Join(dir, "tree")
	for _, d := range []string{"open/sub", "closed/inner"} {
		os.MkdirAll(filepath.Join(tree, d), 0o755)
	}
	for _, f := range []string{"open/f", "open/sub/g", "closed/inner/h", "top"} {
		os.WriteFile(filepath.Join(tree, f), []byte(f), 0o644)
	}
	script := filepath.Join(dir, "walk.lua")
	os.WriteFile(script, []byte(`
		local shutil = require("shutil")
		local tree, dir = arg[1], arg[2]
		local function check(ok, what) if not ok then io.stderr:write("FAIL: ", what, "\n") os.exit(1) end end
		local n, msg, errno = os.listdir(tree .. "/closed")
		check(n == nil and errno == os.errno.EACCES, "listdir of a closed directory: " .. tostring(msg))
		n, msg, errno = os.scandir(tree .. "/closed")
		check(n == nil and errno == os.errno.EACCES, "scandir of a closed directory")
		local g = os.glob(tree .. "/**/*")
		table.sort(g)
		check(table.concat(g, ","):find("closed/inner") == nil, "glob passes over what it cannot read")
		check(table.concat(g, ","):find("open/sub/g", 1, true) ~= nil, "glob finds the rest")
		n, msg, errno = shutil.copytree(tree, dir .. "/copy")
		check(n == nil and errno == os.errno.EACCES and msg:find("closed"), "copytree reports the closed directory: " .. tostring(msg))
		check(io.open(dir .. "/copy/open/sub/g") ~= nil, "and copies the rest")
		local calls = {}
		check(shutil.rmtree(dir .. "/copy") == true, "rmtree of the copy")
		n, msg, errno = shutil.rmtree(tree)
		check(n == nil and errno == os.errno.EACCES, "rmtree stops at the closed directory: " .. tostring(msg))
		check(shutil.rmtree(tree, {onerror = function(fn, path, m, e) calls[#calls + 1] = fn .. " " .. path .. " " .. e end}) == true, "rmtree with onerror")
		check(#calls >= 1 and calls[1]:find("^open .*closed " .. os.errno.EACCES .. "$"), "onerror saw the open: " .. tostring(calls[1]))
		check(io.open(tree .. "/open/f") == nil, "the rest was removed")
		check(shutil.rmtree(tree, {ignore_errors = true}) == true, "ignore_errors")
		print("ok")
	`), 0o644)
	bin := "safesh"
	if os.Geteuid() == 0 {
		// nobody cannot reach the test's own safesh: use a copy.
		orig, err := exec.LookPath("safesh")
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(dir, "safesh")
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, script, tree, dir)
	if os.Geteuid() == 0 {
		// The tree is nobody's, but for its closed directory, root's.
		filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, 65534, 65534) })
		os.Chown(filepath.Join(tree, "closed"), 0, 0)
		os.Chown(filepath.Join(tree, "closed", "inner"), 0, 0)
		os.Chown(filepath.Join(tree, "closed", "inner", "h"), 0, 0)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	os.Chmod(filepath.Join(tree, "closed"), 0o300) // writable and searchable, not readable
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(tree, "closed")); err != nil {
		t.Fatal("the closed directory is gone")
	}
}
