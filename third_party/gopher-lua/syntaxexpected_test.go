package lua

import (
	"strings"
	"testing"
)

// TestSyntaxErrorsSayWhatWasExpected: a syntax error names the token
// Lua's parser would have asked for, and what it would close when that
// began on another line, as C Lua's messages do.
func TestSyntaxErrorsSayWhatWasExpected(t *testing.T) {
	for _, c := range [][2]string{
		{"print((1)", `s:1: ')' expected near '<eof>'`},
		{"print((1)\n", `s:2: ')' expected (to close '(' at line 1) near '<eof>'`},
		{"function f() return 1\n", `s:2: 'end' expected (to close 'function' at line 1) near '<eof>'`},
		{"if x then\n  y()\n", `s:3: 'end' expected (to close 'if' at line 1) near '<eof>'`},
		{"while x do\n", `s:2: 'end' expected (to close 'while' at line 1) near '<eof>'`},
		{"repeat x = 1\n", `s:2: 'until' expected (to close 'repeat' at line 1) near '<eof>'`},
		{"local t = {1,\n2", `s:2: '}' expected (to close '{' at line 1) near '<eof>'`},
		{"f = function(a b) end", `s:1: ')' expected near 'b'`},
		{"function f(a,\nb", `s:2: ')' expected near '<eof>'`},
		{"if x print(1) end", `s:1: 'then' expected near 'print'`},
		{"for i = 1, 2 print(i) end", `s:1: 'do' expected near 'print'`},
		{"f(1 2)", `s:1: ')' expected near '2'`},
		{"if a then else else end", `s:1: 'end' expected near 'else'`},
		{"function f() else end", `s:1: 'end' expected near 'else'`},
		{"repeat x = 1 end", `s:1: 'until' expected near 'end'`},
		{"if x then return 1 print(2) end", `s:1: 'end' expected near 'print'`},
		{"return 1 x", `s:1: '<eof>' expected near 'x'`},
		{"if x then y() end end", `s:1: '<eof>' expected near 'end'`},
		{"local function end", `s:1: <name> expected near 'end'`},
		{"local f = function end", `s:1: '(' expected near 'end'`},
		{"function (x) end", `s:1: <name> expected near '('`},
		{"t[1 = 2", `s:1: ']' expected near '='`},
		{"local a.b = 1", `s:1: unexpected symbol near '.'`},
		// Where an expression was expected, the token is unexpected.
		{"print(1 + )", `s:1: unexpected symbol near ')'`},
		{"f(=)", `s:1: unexpected symbol near '='`},
		{"if then end", `s:1: unexpected symbol near 'then'`},
		{"if x then y = end", `s:1: unexpected symbol near 'end'`},
		{"t = {a = }", `s:1: unexpected symbol near '}'`},
		{"function f() end)", `s:1: unexpected symbol near ')'`},
	} {
		L := NewState()
		_, err := L.Load(strings.NewReader(c[0]), "s")
		if err == nil || err.Error() != c[1] {
			t.Errorf("%q: err = %v; want %s", c[0], err, c[1])
		}
		L.Close()
	}
}
