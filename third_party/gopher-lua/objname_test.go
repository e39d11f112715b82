package lua

import (
	"strings"
	"testing"
)

// TestErrorsNameTheVariable checks runtime error messages against what
// Lua 5.4 says for the same source.
func TestErrorsNameTheVariable(t *testing.T) {
	for _, c := range [][2]string{
		{`local t = {} t.y.z = 1`, "attempt to index a nil value (field 'y')"},
		{`local t = {} print(t.y.z)`, "attempt to index a nil value (field 'y')"},
		{`local x = 1 local y = x.z`, "attempt to index a number value (local 'x')"},
		{`x = nil x = x + 1`, "attempt to perform arithmetic on a nil value (global 'x')"},
		{`local u; print(-u)`, "attempt to perform arithmetic on a nil value (local 'u')"},
		{`local s; print(s .. "x")`, "attempt to concatenate a nil value (local 's')"},
		{`local s; print("x" .. s .. "y")`, "attempt to concatenate a nil value (local 's')"},
		{`local n; print(#n)`, "attempt to get length of a nil value (local 'n')"},
		{`print(#nil)`, "attempt to get length of a nil value"},
		{`local t = {} t:rn()`, "attempt to call a nil value (method 'rn')"},
		{`string.rn()`, "attempt to call a nil value (field 'rn')"},
		{`undefinedfn()`, "attempt to call a nil value (global 'undefinedfn')"},
		{`local up; (function() up() end)()`, "attempt to call a nil value (upvalue 'up')"},
		{`return math.foo(1)`, "attempt to call a nil value (field 'foo')"},
		{`return (nil)()`, "attempt to call a nil value"},
		{`local t = setmetatable({}, {__index = function() end}) print(t.x.y)`, "attempt to index a nil value (field 'x')"},
	} {
		L := NewState()
		err := L.DoString(c[0])
		if err == nil || !strings.HasSuffix(strings.SplitN(err.Error(), "\n", 2)[0], c[1]) {
			t.Errorf("%s: err = %v; want %s", c[0], err, c[1])
		}
		L.Close()
	}
}
