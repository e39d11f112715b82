//go:build linux

package tests

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
)

// hostWorks checks that the host still has what a plugin must not take:
// its own descriptors, goroutines, and a second runtime beside the first.
func hostWorks(t *testing.T) {
	t.Helper()
	f, err := os.Open("/dev/null")
	if err != nil {
		t.Fatalf("host os.Open: %v", err)
	}
	f.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { wg.Done() }()
	wg.Wait()
	var out bytes.Buffer
	r, err := runtime.New(runtime.WithStdout(&out))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.DoString(context.Background(), `print(("ok"):rep(2))`, ""); err != nil || out.String() != "okok\n" {
		t.Fatalf("second runtime: %v, %q", err, out.String())
	}
}

// limitOf returns the LimitError behind err, failing the test if there is
// none or it is not the limit named.
func limitOf(t *testing.T, err error, limit string) *runtime.LimitError {
	t.Helper()
	var le *runtime.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v (%T), want a *runtime.LimitError", err, err)
	}
	if le.Limit != limit {
		t.Fatalf("limit = %s, want %s (%v)", le.Limit, limit, le)
	}
	return le
}

func newRuntime(t *testing.T, out *bytes.Buffer, opts ...runtime.Option) *runtime.Runtime {
	t.Helper()
	r, err := runtime.New(append([]runtime.Option{runtime.WithStdout(out), runtime.WithStderr(out)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestLimitDescriptors(t *testing.T) {
	var out bytes.Buffer
	r := newRuntime(t, &out, runtime.WithMaxDescriptors(5), runtime.AllowRead("/dev"))
	err := r.DoString(context.Background(), `
		local fs = {}
		while true do
			local f, msg, errno = io.open("/dev/null")
			if not f then print(#fs, msg, errno == require("os").errno.EMFILE) break end
			fs[#fs+1] = f
		end
		local r, w, msg = os.pipe()
		print(r, msg ~= nil)
		fs[1]:close()
		print(io.open("/dev/null") ~= nil)
		for i = 2, #fs do fs[i]:close() end
		local a, b = os.pipe()
		print(a ~= nil and b ~= nil)
	`, "")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "5\t") || !strings.Contains(lines[0], "MaxDescriptors") ||
		!strings.HasSuffix(lines[0], "true") || lines[1] != "nil\ttrue" || lines[2] != "true" || lines[3] != "true" {
		t.Fatalf("output:\n%s", out.String())
	}
	hostWorks(t)
}

func TestLimitChildren(t *testing.T) {
	var out bytes.Buffer
	r := newRuntime(t, &out, runtime.WithMaxChildren(2), runtime.AllowRun("/bin/sleep"),
		runtime.WithGracePeriod(10*time.Millisecond))
	err := r.DoString(context.Background(), `
		local subprocess = require("subprocess")
		local a = subprocess.Popen({"/bin/sleep", "10"})
		local b = subprocess.Popen({"/bin/sleep", "10"})
		local ok, c, msg, errno = pcall(subprocess.Popen, {"/bin/sleep", "10"})
		print(ok, c, tostring(msg):find("MaxChildren") ~= nil, errno == require("os").errno.EAGAIN)
		a:kill() a:wait()
		local d = subprocess.Popen({"/bin/sleep", "0"})
		print(d ~= nil)
		d:wait() b:kill() b:wait()
	`, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "true\tnil\ttrue\ttrue\ntrue\n") {
		t.Fatalf("output:\n%s", got)
	}
	hostWorks(t)
}

func TestLimitOutput(t *testing.T) {
	var out bytes.Buffer
	var msgs bytes.Buffer
	r, err := runtime.New(runtime.WithStdout(&out), runtime.WithStderr(&msgs), runtime.WithMaxOutput(100), runtime.AllowRun("/bin/sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.DoString(context.Background(), `
		io.write(string.rep("x", 60))
		local ok, msg, errno = io.stdout:write(string.rep("y", 60))
		if ok then ok, msg, errno = io.stdout:flush() end
		local f = io.open("/dev/null") -- no grant: just to show the runtime goes on
		io.stderr:write(tostring(ok), " ", tostring(msg):find("MaxOutput") ~= nil and "named" or tostring(msg), " ",
			tostring(errno == require("os").errno.EFBIG), "\n")
		io.stderr:flush()
	`, "")
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 100 || msgs.String() != "nil named true\n" || !strings.HasPrefix(out.String(), strings.Repeat("x", 60)+strings.Repeat("y", 40)) {
		t.Fatalf("output (%d bytes): %q", out.Len(), out.String())
	}
	// A child's output is cut too, and the child is not left blocked.
	out.Reset()
	r3, err := runtime.New(runtime.WithStdout(&out), runtime.WithMaxOutput(1000), runtime.AllowRun("/bin/sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Close()
	start := time.Now()
	err = r3.DoString(context.Background(), `
		local subprocess = require("subprocess")
		subprocess.call({"/bin/sh", "-c", "yes | head -c 10000000"})
	`, "")
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 1000 || time.Since(start) > 5*time.Second {
		t.Fatalf("child output: %d bytes in %v", out.Len(), time.Since(start))
	}
	hostWorks(t)
}

func TestInstructionLimit(t *testing.T) {
	for _, src := range []string{
		`while true do end`,
		`while true do pcall(function() while true do end end) end`,
		`local co = coroutine.wrap(function() while true do end end) co()`,
		`local s = 0 for i = 1, 1e12 do s = s + i end`,
		// the steps of a pattern match count as instructions
		`string.find(("a"):rep(150), ".-.-.-.-b")`,
		`string.gsub(("a"):rep(150), ".-.-.-.-b", "")`,
	} {
		var out bytes.Buffer
		r := newRuntime(t, &out, runtime.WithInstructionLimit(100000))
		start := time.Now()
		err := r.DoString(context.Background(), src, "")
		le := limitOf(t, err, "InstructionLimit")
		if le.Used < 100000 || le.Used > 100000+2048 || time.Since(start) > time.Second*slowdown {
			t.Errorf("%s: %v after %v", src, le, time.Since(start))
		}
		// The runtime runs the next chunk with its full count.
		if err := r.DoString(context.Background(), `local x = 0 for i = 1, 1000 do x = x + i end`, ""); err != nil {
			t.Errorf("%s: next chunk: %v", src, err)
		}
	}
	hostWorks(t)
}

func TestCPUTimeLimit(t *testing.T) {
	var out bytes.Buffer
	r := newRuntime(t, &out, runtime.WithCPUTime(100*time.Millisecond))
	start := time.Now()
	err := r.DoString(context.Background(), `while true do end`, "")
	limitOf(t, err, "CPUTime")
	if d := time.Since(start); d < 90*time.Millisecond || d > 2*time.Second*slowdown {
		t.Errorf("stopped after %v", d)
	}
	// Waiting is not CPU time.
	err = r.DoString(context.Background(), `require("time").sleep(0.3)`, "")
	if err != nil {
		t.Errorf("sleep: %v", err)
	}
	hostWorks(t)
}

func TestLimitOptionsCheckArguments(t *testing.T) {
	for _, o := range []runtime.Option{runtime.WithMaxDescriptors(0), runtime.WithMaxChildren(-1),
		runtime.WithMaxOutput(0), runtime.WithInstructionLimit(0), runtime.WithCPUTime(0), runtime.WithMaxMemory(0)} {
		if _, err := runtime.New(o); err == nil {
			t.Error("a limit of 0 was taken")
		}
	}
}
