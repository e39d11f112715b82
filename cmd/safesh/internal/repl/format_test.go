package repl

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

func TestFormat(t *testing.T) {
	tests := []struct {
		expr string
		want string // a regular expression, anchored
	}{
		{`nil`, `nil`},
		{`true`, `true`},
		{`42`, `42`},
		{`1.5`, `1\.5`},
		{`"plain"`, `"plain"`},
		{`"q\"b\\s\n\t\r\0\0011\127é"`, `"q\\"b\\\\s\\n\\t\\r\\0\\0011\\127é"`},
		{`"\255"`, `"\\255"`},
		{`{}`, `\{\}`},
		{`{1, 2, 3}`, `\{1, 2, 3\}`},
		{`{1, nil, 3}`, `\{1, \[3\] = 3\}`},
		{`{b = 1, a = 2, [2.5] = 3, [-1] = 4, [true] = 5, ["not a name"] = 6, ["end"] = 7}`,
			`\{\[-1\] = 4, \[2\.5\] = 3, a = 2, b = 1, \["end"\] = 7, \["not a name"\] = 6, \[true\] = 5\}`},
		{`{{{}}}`, `\{\{\{\}\}\}`},
		{`{{{{{{{{1}}}}}}}}`, `\{\{\{\{\{\{\{\.\.\.\}\}\}\}\}\}\}`},
		{`print`, `function: 0x[0-9a-f]+`},
		{`{[{}] = 1}`, `\{\[table: 0x[0-9a-f]+\] = 1\}`},
		{`(function() local t = {} t[1] = t return t end)()`, `\{<cycle table: 0x[0-9a-f]+>\}`},
		// Shared but not cyclic: shown each time.
		{`(function() local s = {1} return {s, s} end)()`, `\{\{1\}, \{1\}\}`},
		{`setmetatable({}, {__tostring = function() return "shown" end})`, `shown`},
		{`io.stdout`, `file.*`},
		{`coroutine.create(print)`, `thread: 0x[0-9a-f]+`},
		// Long and wide tables: cut, and on several lines.
		{`(function() local t = {} for i = 1, 60 do t[i] = i end return t end)()`,
			`\{\n  1, 2, 3, [\d, ]+ 22,\n  23, [\d, ]+ 41,\n  42, [\d, ]+ 50, \.\.\. \(10 more\),\n\}`},
		{`{long = string.rep("x", 70), short = 1}`, `\{\n  long = "x{70}",\n  short = 1,\n\}`},
		{`{inner = {long = string.rep("x", 70), short = 1}}`, `\{\n  inner = \{\n    long = "x{70}",\n    short = 1,\n  \},\n\}`},
	}
	L := lua.NewState()
	defer L.Close()
	tostring := func(v lua.LValue) (string, error) { return L.ToStringMeta(v).String(), nil }
	for _, tt := range tests {
		if err := L.DoString("v = " + tt.expr); err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		got, err := Format(L.GetGlobal("v"), tostring)
		if err != nil {
			t.Errorf("Format(%s): %v", tt.expr, err)
			continue
		}
		if !regexpMatch(`^`+tt.want+`$`, got) {
			t.Errorf("Format(%s) =\n%s\nwant\n%s", tt.expr, got, tt.want)
		}
	}
}

// TestFormatBudget: a value with many tables, each within the limits, is
// cut as a whole.
func TestFormatBudget(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`
		v = {}
		for i = 1, 50 do v[i] = {} for j = 1, 50 do v[i][j] = {j} end end
	`); err != nil {
		t.Fatal(err)
	}
	got, err := Format(L.GetGlobal("v"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(got, "{"); n > formatBudget+100 {
		t.Errorf("%d tables shown, budget %d", n, formatBudget)
	}
	if !strings.Contains(got, "more)") {
		t.Errorf("the cut is not marked")
	}
}

func TestFormatToStringError(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.DoString(`v = {setmetatable({}, {__tostring = function() end})}`)
	boom := errors.New("boom")
	if _, err := Format(L.GetGlobal("v"), func(lua.LValue) (string, error) { return "", boom }); err != boom {
		t.Errorf("Format = %v, want the error of tostring", err)
	}
}

func TestQuoteReadsBack(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for _, s := range []string{"", "a\"b", "\\", "\x00\x01" + "9", "\xff\xfe", "line\nline", "tab\t\a\b\f\v\r", "ünï", "\x7f0"} {
		if err := L.DoString("v = " + Quote(s)); err != nil {
			t.Errorf("Quote(%q) = %s does not parse: %v", s, Quote(s), err)
			continue
		}
		if got := L.GetGlobal("v").String(); got != s {
			t.Errorf("Quote(%q) = %s reads back as %q", s, Quote(s), got)
		}
	}
}
