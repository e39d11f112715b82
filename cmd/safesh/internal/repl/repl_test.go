package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	goio "io"
	"os"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// interruptLine, given to a scripted reader, stands for Ctrl-C on a line.
const interruptLine = "\x03"

// scripted is a LineReader that gives lines from a list and records the
// prompts it was asked to show.
type scripted struct {
	lines   []string
	prompts []string
}

func (r *scripted) ReadLine(prompt string) (string, error) {
	r.prompts = append(r.prompts, prompt)
	if len(r.lines) == 0 {
		return "", goio.EOF
	}
	line := r.lines[0]
	r.lines = r.lines[1:]
	if line == interruptLine {
		return "", ErrInterrupt
	}
	return line, nil
}

// newTestSession returns a session on a new runtime that reads lines (or
// io.stdin if in is nil), and its standard output and error.
func newTestSession(t *testing.T, in LineReader, opts ...runtime.Option) (*Session, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	opts = append([]runtime.Option{runtime.WithStdout(&stdout), runtime.WithStderr(&stderr)}, opts...)
	rt, err := runtime.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	s, err := New(rt, Config{Input: in, Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	return s, &stdout, &stderr
}

func TestRun(t *testing.T) {
	tests := []struct {
		name         string
		lines        []string
		stdout       string
		stderr       string // a regular expression
		continuation int    // how many continuation prompts
	}{
		{"expression", []string{"1 + 1"}, "2\n", "", 0},
		{"equals", []string{"=1, 'a'"}, "1\t\"a\"\n", "", 0},
		{"statement", []string{"x = 5", "x"}, "5\n", "", 0},
		{"return in a statement", []string{"do return 1, 2 end"}, "1\t2\n", "", 0},
		{"call with no value", []string{"print('hi')"}, "hi\n", "", 0},
		{"several values", []string{"string.find('abc', 'b')"}, "2\t2\n", "", 0},
		{"nil among values", []string{"nil, false, nil"}, "nil\tfalse\tnil\n", "", 0},
		{"blank lines are skipped", []string{"", "   ", "3"}, "3\n", "", 0},
		{"multi-line function", []string{"function f(a)", "  return a * 2", "end", "f(21)"}, "42\n", "", 2},
		{"multi-line expression", []string{"{1,", "2}"}, "{1, 2}\n", "", 1},
		{"multi-line string", []string{"s = [[a", "b]]", "s"}, "\"a\\nb\"\n", "", 1},
		{"multi-line equals", []string{"=1 +", "1"}, "2\n", "", 1},
		{"open comment", []string{"--[[ a", "]] 4"}, "4\n", "", 1},
		{"unfinished short string is an error", []string{"s = 'abc", "1"}, "1\n", `^stdin:1: unfinished string near '<eof>'\n$`, 0},
		{"syntax error", []string{"x y", "1"}, "1\n", `^stdin:1: '=' expected near 'y'\n$`, 0},
		{"runtime error and traceback", []string{"error('boom')", "1"}, "1\n", `^stdin:1: boom\nstack traceback:\n\t.*error`, 0},
		{"error value that is not a string", []string{"error({})"}, "", `^table: 0x`, 0},
		{"interrupt drops a chunk", []string{"function g()", interruptLine, "g"}, "nil\n", "", 1},
		{"__tostring", []string{"setmetatable({}, {__tostring = function() return 'custom' end})"}, "custom\n", "", 0},
		{"__tostring that fails", []string{"setmetatable({}, {__tostring = function() error('no') end})", "1"}, "1\n", `stdin:1: no`, 0},
		{"locals do not outlive their line", []string{"local l = 1", "l"}, "nil\n", "", 0},
		{"the chunk gets no arguments", []string{"select('#', ...)"}, "0\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &scripted{lines: tt.lines}
			s, stdout, stderr := newTestSession(t, in, runtime.WithArgs("not", "for", "the", "session"))
			if err := s.Run(context.Background()); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout, tt.stdout)
			}
			if tt.stderr == "" && stderr.Len() > 0 || !matches(tt.stderr, stderr.String()) {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
			if n := strings.Count(strings.Join(in.prompts, ""), ContinuationPrompt); n != tt.continuation {
				t.Errorf("%d continuation prompts (%q), want %d", n, in.prompts, tt.continuation)
			}
		})
	}
}

func matches(re, s string) bool {
	return re == "" || regexpMatch(re, s)
}

func TestOsExitEndsTheSession(t *testing.T) {
	s, _, _ := newTestSession(t, &scripted{lines: []string{"os.exit(3)", "print('not reached')"}})
	err := s.Run(context.Background())
	var exit *runtime.ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Fatalf("Run = %v, want exit status 3", err)
	}
}

// TestStdinLines reads the session from io.stdin: a chunk that reads
// standard input gets the line that follows it.
func TestStdinLines(t *testing.T) {
	in := strings.NewReader("x = io.read()\nthis line is data\nx\ny = io.read('*n')\n42\ny + 1\n")
	s, stdout, stderr := newTestSession(t, nil, runtime.WithStdin(in))
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := "\"this line is data\"\n43\n"; stdout.String() != want || stderr.Len() > 0 {
		t.Errorf("stdout %q, stderr %q; want %q", stdout, stderr, want)
	}
}

// TestEndInsideAChunk: the input ends while a chunk is incomplete; the
// session ends without running it.
func TestEndInsideAChunk(t *testing.T) {
	in := strings.NewReader("function f()\nprint('never')\n")
	s, stdout, stderr := newTestSession(t, nil, runtime.WithStdin(in))
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() > 0 || stderr.Len() > 0 {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

// interruptedSession is a session whose chunks can call started(), which
// interrupts them as SIGINT would.
func interruptedSession(t *testing.T, lines ...string) (*bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	sig := make(chan os.Signal, 1)
	var stdout, stderr bytes.Buffer
	rt, err := runtime.New(runtime.WithStdout(&stdout), runtime.WithStderr(&stderr), runtime.Unrestricted(), runtime.WithGracePeriod(0))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	rt.LState().SetGlobal("started", rt.LState().NewFunction(func(L *lua.LState) int {
		go func() {
			time.Sleep(10 * time.Millisecond) // let the chunk block; it works without
			sig <- os.Interrupt
		}()
		return 0
	}))
	s, err := New(rt, Config{Input: &scripted{lines: lines}, Stdout: &stdout, Stderr: &stderr, Interrupt: sig})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the interrupt did not stop the chunk\nstdout %q\nstderr %q", stdout.String(), stderr.String())
	}
	return &stdout, &stderr
}

func TestInterrupt(t *testing.T) {
	tests := []struct{ name, chunk string }{
		{"loop", "started() while true do end"},
		{"os.read on an empty pipe", "started() os.read(r, 1)"},
		{"os.execute", "started() os.execute('exec sleep 30')"},
		{"proc:wait()", "p = require('subprocess').Popen({'sleep', '30'}) started() p:wait()"},
		{"sock:accept()", "s = require('socket').create_server('127.0.0.1', 0) started() s:accept()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := interruptedSession(t, "kept = 1 r, w = os.pipe()", tt.chunk, "kept, os.write(w, 'x'), os.read(r, 1)")
			if !strings.Contains(stderr.String(), "interrupted\n") {
				t.Errorf("stderr %q, want interrupted", stderr)
			}
			if want := "1\t1\t\"x\"\n"; stdout.String() != want {
				t.Errorf("after the interrupt: %q, want %q", stdout, want)
			}
		})
	}
}

// TestStaleInterrupt: a SIGINT that came while no chunk ran does not
// interrupt the next one.
func TestStaleInterrupt(t *testing.T) {
	sig := make(chan os.Signal, 1)
	sig <- os.Interrupt
	var stdout bytes.Buffer
	rt, err := runtime.New(runtime.WithStdout(&stdout))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	s, err := New(rt, Config{Input: &scripted{lines: []string{"n = 0 for i = 1, 1e5 do n = n + 1 end", "n"}}, Stdout: &stdout, Interrupt: sig})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "100000\n" {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestNoGoroutineLeft(t *testing.T) {
	before := goruntime.NumGoroutine()
	for range 20 {
		interruptedSession(t, "started() while true do end")
	}
	deadline := time.Now().Add(5 * time.Second)
	for goruntime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := goruntime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after\n%s", before, n, buf[:goruntime.Stack(buf, true)])
	}
}

func TestHistoryFile(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	path, err := HistoryFile()
	if err != nil {
		t.Fatal(err)
	}
	if want := state + "/safesh/history"; path != want {
		t.Errorf("HistoryFile() = %q, want %q", path, want)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("history file: %v, %v", info, err)
	}

	// A relative XDG_STATE_HOME is ignored, as the specification asks.
	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", home)
	if path, err := HistoryFile(); err != nil || path != home+"/.local/state/safesh/history" {
		t.Errorf("HistoryFile() = %q, %v", path, err)
	}

	// Where it cannot be made, an error (and the session runs without).
	t.Setenv("XDG_STATE_HOME", "/proc/no/such")
	if _, err := HistoryFile(); err == nil {
		t.Errorf("HistoryFile() under /proc: no error")
	}
}

func ExampleFormat() {
	L := lua.NewState()
	defer L.Close()
	L.DoString(`t = {1, "two", {3}, name = "x", [10] = true} t.self = t`)
	s, _ := Format(L.GetGlobal("t"), nil)
	fmt.Println(s[:strings.Index(s, "<")])
	// Output: {1, "two", {3}, [10] = true, name = "x", self =
}
