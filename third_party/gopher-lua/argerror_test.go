package lua

import (
	"strings"
	"testing"
)

// TestArgErrorsInLuaForm: a bad argument names the function quoted, as
// its caller called it, or '?' when the call gave it no name, and a
// missing argument is "no value", as in C Lua.
func TestArgErrorsInLuaForm(t *testing.T) {
	for _, c := range [][2]string{
		{"table.insert()", "bad argument #1 to 'insert' (table expected, got no value)"},
		{"local t = table; t.concat(1)", "bad argument #1 to 'concat' (table expected, got number)"},
		{"tonumber()", "bad argument #1 to 'tonumber' (value expected)"},
		{"assert(pcall(table.insert))", "bad argument #1 to '?' (table expected, got no value)"},
		{"local t = {table.concat}; t[1](true)", "bad argument #1 to '?' (table expected, got boolean)"},
		{"coroutine.wrap(string.rep)()", "bad argument #1 to '?' (string expected, got no value)"},
	} {
		L := NewState()
		err := L.DoString(c[0])
		if err == nil || !strings.Contains(err.Error(), c[1]) {
			t.Errorf("%s: err = %v; want %s", c[0], err, c[1])
		}
		L.Close()
	}
}
