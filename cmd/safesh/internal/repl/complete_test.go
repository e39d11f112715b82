package repl

import (
	"context"
	"slices"
	"testing"
)

func TestComplete(t *testing.T) {
	s, _, _ := newTestSession(t, nil)
	run(t, s, `
		obj = setmetatable({own = 1}, {__index = {inherited = 2, method = function() end}})
		udata = io.stdout
		str = "text"
		loop = setmetatable({}, {}) getmetatable(loop).__index = loop
		sock = require("socket").socket()
		subprocess = require("subprocess")
	`)
	tests := []struct {
		line, typed string
		want        []string // must all be among the names
		not         []string // must not be
	}{
		{"string.fo", "fo", []string{"format"}, nil},
		{"x = string.fo", "fo", []string{"format"}, nil},
		{"pri", "pri", []string{"print"}, nil},
		{"io.std", "std", []string{"stderr", "stdin", "stdout"}, nil},
		// Methods of a userdata: its metatable's __index table.
		{"udata:set", "set", []string{"set_inheritable", "setvbuf"}, []string{"seek"}},
		{"io.stdout:", "", []string{"close", "fileno", "write"}, nil},
		{"sock:set", "set", []string{"set_inheritable", "setsockopt", "settimeout"}, []string{"send"}},
		{"subprocess.Po", "Po", []string{"Popen"}, nil},
		// A table's own fields and those __index leads to.
		{"obj.", "", []string{"own", "inherited", "method"}, nil},
		{"obj:", "", []string{"method"}, []string{"own", "inherited"}},
		// A string's methods are string's functions.
		{"str:up", "up", []string{"upper"}, nil},
		// Keywords, where a name starts.
		{"repe", "repe", []string{"repeat"}, nil},
		{"loop.", "", nil, nil}, // an __index loop ends
		// Nothing to complete.
		{"nosuch.x", "x", nil, nil},
		{`print("string.fo`, "", nil, []string{"format"}},
		{"f().x", "", nil, nil},
		{"1.5", "", nil, nil},
		{"a::b", "", nil, nil},
		{"io:stdout.x", "", nil, nil},
	}
	for _, tt := range tests {
		typed, names := s.Complete(tt.line)
		if typed != tt.typed {
			t.Errorf("Complete(%q): typed %q, want %q", tt.line, typed, tt.typed)
		}
		for _, w := range tt.want {
			if !slices.Contains(names, w) {
				t.Errorf("Complete(%q) = %q, missing %q", tt.line, names, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(names, n) {
				t.Errorf("Complete(%q) = %q, should not have %q", tt.line, names, n)
			}
		}
		if !slices.IsSorted(names) {
			t.Errorf("Complete(%q) = %q, not sorted", tt.line, names)
		}
	}
}

func TestCompleterForReadline(t *testing.T) {
	c := completer(func(line string) (string, []string) {
		if line != "x = string.fo" {
			t.Errorf("completer saw %q", line)
		}
		return "fo", []string{"format", "foé"}
	})
	// The cursor is before the last rune: only what precedes it counts.
	suffixes, n := c.Do([]rune("x = string.fo)"), 13)
	if n != 2 || len(suffixes) != 2 || string(suffixes[0]) != "rmat" || string(suffixes[1]) != "é" {
		t.Errorf("Do = %q, %d", suffixes, n)
	}
}

func TestCompleteRunsNoCode(t *testing.T) {
	s, _, _ := newTestSession(t, nil)
	run(t, s, `
		called = false
		trap = setmetatable({}, {__index = function() called = true end})
	`)
	s.Complete("trap.x")
	s.Complete("trap.x.y")
	s.Complete("trap:x")
	if v := s.rt.LState().GetGlobal("called"); v.String() != "false" {
		t.Errorf("completion ran an __index function")
	}
}

// run runs code in the session's runtime, failing the test on an error.
func run(t *testing.T, s *Session, code string) {
	t.Helper()
	if err := s.rt.DoString(context.Background(), code, "test"); err != nil {
		t.Fatal(err)
	}
}
