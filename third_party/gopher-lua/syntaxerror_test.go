package lua

import (
	"strings"
	"testing"
)

// TestSyntaxErrorsInLuaForm checks syntax and compile errors against what
// Lua 5.1 says for the same source, where the parser can say the same.
func TestSyntaxErrorsInLuaForm(t *testing.T) {
	for _, c := range [][2]string{
		{"x =", `s:1: unexpected symbol near '<eof>'`},
		{"x = = 1", `s:1: unexpected symbol near '='`},
		{"local t = {\n  f(1,\nend", `s:3: unexpected symbol near 'end'`},
		{"x = }", `s:1: unexpected symbol near '}'`},
		{"x y", `s:1: '=' expected near 'y'`},
		{"local t = {}\nt.x", `s:2: '=' expected near '<eof>'`},
		{"return 1 +", `s:1: unexpected symbol near '<eof>'`},
		{"\n\nx = \"abc", `s:3: unfinished string near '<eof>'`},
		{"x = [[abc\n", `s:2: unfinished long string near '<eof>'`},
	} {
		L := NewState()
		_, err := L.Load(strings.NewReader(c[0]), "s")
		if err == nil || err.Error() != c[1] {
			t.Errorf("%q: err = %v; want %s", c[0], err, c[1])
		}
		L.Close()
	}
}
