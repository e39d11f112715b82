package posixpath

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/safesh/safesh/internal/pyoracle"
)

// call runs one oracle case in Go, with the oracle's working directory
// (/cwd/sub) and home (/home/u/, and root's /root).
func call(t *testing.T, fn string, args []string) any {
	home := func() (string, bool) { return "/home/u/", true }
	lookup := func(name string) (string, bool) {
		if name == "root" {
			return "/root", true
		}
		return "", false
	}
	switch fn {
	case "split":
		h, tl := Split(args[0])
		return []any{h, tl}
	case "splitext":
		r, e := Splitext(args[0])
		return []any{r, e}
	case "normpath":
		return Normpath(args[0])
	case "basename":
		return Basename(args[0])
	case "dirname":
		return Dirname(args[0])
	case "isabs":
		return IsAbs(args[0])
	case "abspath":
		return Abs(args[0], "/cwd/sub")
	case "join":
		return Join(args[0], args[1:]...)
	case "relpath":
		start := "."
		if len(args) > 1 {
			start = args[1]
		}
		return Rel(args[0], start, "/cwd/sub")
	case "expanduser":
		return ExpandUser(args[0], home, lookup)
	case "fnmatch":
		return Match(args[0], args[1])
	}
	t.Fatalf("unknown function %q", fn)
	return nil
}

type oracleCase struct {
	fn   string
	args []string
	want any
}

func loadCases(t *testing.T, data []byte) []oracleCase {
	var raw [][]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	var cases []oracleCase
	for _, r := range raw {
		var c oracleCase
		if err := json.Unmarshal(r[0], &c.fn); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(r[1], &c.args); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(r[2], &c.want); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	return cases
}

// TestPythonOracle checks every function against Python's results for the
// same input (see pyoracle).
func TestPythonOracle(t *testing.T) {
	cases := loadCases(t, pyoracle.Recorded(t))
	if len(cases) < 300 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		got := call(t, c.fn, c.args)
		// JSON decodes arrays as []any of strings, and booleans as bool.
		if !reflect.DeepEqual(normalize(got), c.want) {
			t.Errorf("%s(%q) = %#v, Python says %#v", c.fn, c.args, got, c.want)
		}
	}
}

func normalize(v any) any {
	if s, ok := v.([]any); ok {
		return s
	}
	return v
}

// TestMatchBytes checks matching on names that are not UTF-8: a byte that
// is not UTF-8 is one character, as in Python's surrogateescape.
func TestMatchBytes(t *testing.T) {
	for _, c := range []struct {
		pat, name string
		want      bool
	}{
		{"?", "\xff", true},
		{"??", "\xff\xfe", true},
		{"?", "\xff\xfe", false},
		{"a*", "a\xff", true},
		{"[!a]", "\xff", true},
		{"é", "é", true},
		{"?", "é", true},
	} {
		if got := Match(c.pat, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.pat, c.name, got)
		}
	}
}
