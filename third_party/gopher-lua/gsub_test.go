package lua

import (
	"runtime"
	"strings"
	"testing"
)

func TestGsubResults(t *testing.T) {
	L := NewState()
	defer L.Close()
	for _, c := range [][2]string{
		{`string.gsub("hello world", "o", "0")`, "hell0 w0rld 2"},
		{`string.gsub("hello world", "(o)", "[%1]", 1)`, "hell[o] world 1"},
		{`string.gsub("abc", "", "-")`, "-a-b-c- 4"},
		{`string.gsub("abc", "x*", "-")`, "-a-b-c- 4"},
		{`string.gsub("abc", "b", {b = false})`, "abc 1"},
		{`string.gsub("abc", "%w", {a = 1, c = "C"})`, "1bC 3"},
		{`string.gsub("abc", "%w", function(c) if c ~= "b" then return c:upper() end end)`, "AbC 3"},
		{`string.gsub("", "x", "y")`, " 0"},
		{`string.gsub("aaa", "^a", "b")`, "baa 1"},
		{`string.gsub("a.b", "%.", "%%")`, "a%b 1"},
	} {
		if err := L.DoString(`local s, n = ` + c[0] + ` result = s .. " " .. n`); err != nil {
			t.Fatalf("%s: %v", c[0], err)
		}
		if got := L.GetGlobal("result").String(); got != c[1] {
			t.Errorf("%s = %q; want %q", c[0], got, c[1])
		}
	}
}

// TestGsubIsLinear replaces every character of a string: what gsub
// allocates must grow with the string, not with its square, as it did when
// each replacement copied the whole string built so far.
func TestGsubIsLinear(t *testing.T) {
	L := NewState()
	defer L.Close()
	const n = 20000
	L.SetGlobal("s", LString(strings.Repeat("x", n)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := L.DoString(`r = string.gsub(s, ".", "yy")`); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := L.GetGlobal("r").String(); got != strings.Repeat("y", 2*n) {
		t.Fatalf("gsub gave %d bytes; want %d y", len(got), 2*n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1000*n {
		t.Errorf("gsub of %d characters allocated %d bytes; want at most %d", n, alloc, 1000*n)
	}
}
