package repl

import (
	"context"
	"strings"
	"testing"

	"github.com/safesh/safesh/docs"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// TestHelp runs help() in a session, as a user types it, and checks what
// it prints against the index it reads (docs/api.md).
func TestHelp(t *testing.T) {
	entry := func(name string) string {
		e, ok := docs.API().Lookup(name)
		if !ok {
			t.Fatalf("docs/api.md has no %s", name)
		}
		return entryText(e)
	}
	tests := []struct {
		line string
		want []string // what the output must hold, in order
	}{
		{"help(os.open)", []string{"os.open(path, flags [, mode]) → fd\n", "  opens a file", "docs/os.md#descriptor-calls\n"}},
		{"help(os.open)", []string{entry("os.open")}},
		{`help("subprocess.run")`, []string{entry("subprocess.run")}},
		{"help(os.path.join)", []string{entry("os.path.join")}},
		{"help(require('subprocess').Popen)", []string{entry("subprocess.Popen")}},
		{"help(io.stdout.seek)", []string{entry("f:seek")}},
		{"local a, b = require('socket').socketpair() help(a.recv) a:close() b:close()", []string{entry("sock:recv")}},
		{"help(require('subprocess').Popen({'true'}).wait)", []string{entry("proc:wait")}},
		{"local _, _, _, d = os.scandir('.') help(d.close) d:close()", []string{entry("dir:close")}},
		{"help(require('socket'))", []string{"socket — docs/socket.md\n", "  socket.socket(", "  socket.socketpair(", "Socket methods (socket) — docs/socket.md\n", "  sock:bind(host, port) → true — "}},
		{`help("socket")`, []string{"socket — docs/socket.md\n", "Socket methods"}},
		{"help(os)", []string{"os — docs/os.md\n", "  os.open(", "os.path — docs/os.md#ospath\n", "  os.path.join(", "Directory handles"}},
		{"help(io.stdout)", []string{"File methods (FILE*) — docs/io.md#file-methods\n", "  f:read(...) → values — "}},
		{"help(string.rep)", []string{"string.rep: one of Lua 5.1's functions: https://www.lua.org/manual/5.1/manual.html#pdf-string.rep\n"}},
		{`help("print")`, []string{"print: one of Lua 5.1's functions"}},
		{"function double(x) return 2 * x end help(double)", []string{"double: a Lua function, defined at stdin:1\n"}},
		{"help(42)", []string{"no help for a number"}},
		{"help(socket)", []string{"help(nil): nothing to show"}},
		{`help("nosuch.thing")`, []string{`no help for "nosuch.thing"`}},
		{"help()", []string{"help(f) shows what a function takes and returns"}},
		{"io.write('before ') help(os.close)", []string{"before os.close(fd) → true\n"}},
	}
	for _, tt := range tests {
		s, stdout, stderr := newTestSession(t, &scripted{lines: []string{tt.line}}, runtime.Unrestricted())
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%s: stderr %q", tt.line, stderr)
		}
		got := stdout.String()
		rest := got
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s printed\n%s\nwant (in order) %q", tt.line, got, w)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

// TestHelpIsTheSessions checks that a script's runtime has no help, and
// that a help the script set before the session stays its own.
func TestHelpIsTheSessions(t *testing.T) {
	rt, err := runtime.New()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if v := rt.LState().GetGlobal("help"); v != lua.LNil {
		t.Fatalf("a runtime without a session has help = %v", v)
	}
	s, stdout, _ := newTestSession(t, &scripted{lines: []string{"help = function() return 'mine' end", "help()"}})
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != "\"mine\"\n" {
		t.Errorf("the script's own help: got %q", got)
	}
}
