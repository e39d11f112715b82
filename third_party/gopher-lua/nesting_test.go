package lua

import (
	"strings"
	"testing"
)

// TestDeepNestingIsAnError compiles sources nested a million levels deep,
// each of which overflowed the goroutine's stack in the compiler, a fatal
// error: each must fail with Lua's message instead.
func TestDeepNestingIsAnError(t *testing.T) {
	const n = 1000000
	for name, src := range map[string]string{
		"not":      "return " + strings.Repeat("not ", n) + "1",
		"minus":    "return " + strings.Repeat("- ", n) + "1",
		"parens":   "return " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"tables":   "return " + strings.Repeat("{", n) + strings.Repeat("}", n),
		"do":       strings.Repeat("do ", n) + strings.Repeat("end ", n),
		"function": strings.Repeat("function f() ", n) + strings.Repeat("end ", n),
		"sum":      "return 1" + strings.Repeat("+x", n),
		"power":    "return 2" + strings.Repeat("^2", n),
		"concat":   "return 'a'" + strings.Repeat("..'a'", n),
		"and":      "if x" + strings.Repeat(" and x", n) + " then end",
		"index":    "return x" + strings.Repeat(".b", n),
		"call":     "return f" + strings.Repeat("()", n),
	} {
		L := NewState()
		_, err := L.LoadString(src)
		if err == nil || !strings.Contains(err.Error(), "chunk has too many syntax levels") {
			t.Errorf("%s: err = %v; want chunk has too many syntax levels", name, err)
		}
		L.Close()
	}
}

// TestNestingWithinTheLimits compiles what Lua 5.1 compiles: 199 nested
// blocks or brackets, and long chains of a left-associative operator.
func TestNestingWithinTheLimits(t *testing.T) {
	for name, src := range map[string]string{
		"do":     strings.Repeat("do ", 199) + strings.Repeat("end ", 199),
		"parens": "return " + strings.Repeat("(", 199) + "1" + strings.Repeat(")", 199),
		"sum":    "x = 1 return 1" + strings.Repeat("+x", 9000),
	} {
		L := NewState()
		if err := L.DoString(src); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		L.Close()
	}
}

// TestResumeDepthIsBounded nests coroutines without end, which grew the
// goroutine stack and the heap (6 GB for 343,000) until the program died:
// the 201st nested resume fails as in Lua 5.1, and the program goes on.
func TestResumeDepthIsBounded(t *testing.T) {
	L := NewState()
	defer L.Close()
	err := L.DoString(`
		local n = 0
		local function f() n = n + 1 return coroutine.wrap(function() return f()() end) end
		local ok, msg = pcall(function() return f()() end)
		assert(not ok and msg:find("C stack overflow"), tostring(msg))
		assert(n == 201, n)
		local function g(k)
			if k == 0 then return "bottom" end
			local ok, v = coroutine.resume(coroutine.create(g), k - 1)
			return v
		end
		assert(g(150) == "bottom")
		assert(g(1000) == "C stack overflow")
		-- nothing is left counted once they have unwound
		assert(g(150) == "bottom")
	`)
	if err != nil {
		t.Fatal(err)
	}
}
