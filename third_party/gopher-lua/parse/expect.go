package parse

import (
	"fmt"

	"github.com/yuin/gopher-lua/ast"
)

// What an open construct waits for, as Lua's parser checks it.
const (
	waitParen   = iota // ')'
	waitBrace          // '}'
	waitBracket        // ']'
	waitThen           // 'then', after if or elseif
	waitDo             // 'do', after while or for
	waitEnd            // 'end': a function, do, loop or then body
	waitEndElse        // 'end', after else: no other else or elseif
	waitUntil          // 'until', after repeat
)

// opened is a construct open at a token: what it waits for, the token
// that opened it and its line.
type opened struct {
	wait int
	what string
	line int
	bare bool // Lua says what is expected only, never what it closes
}

// expectation follows the brackets and blocks that the tokens read so far
// leave open, so that a syntax error can say what Lua's parser says:
// which token was expected, and which construct it would close when that
// began on another line ("'end' expected (to close 'function' at line 1)").
// It only follows the tokens, as a matcher of brackets does; where the
// tokens alone cannot tell, the error stays "unexpected symbol".
type expectation struct {
	open     []opened
	prev     int  // the type of the last token seen, 0 before any
	prevExpr bool // that token may end an expression
	prevStat bool // that token may end a statement, or begin a block
	funcHead bool // after 'function', before its parameters
	funcStat bool // that 'function' begins a statement, and a name follows
	ret      int  // 1 + the depth of a return statement being read, or 0
}

// see takes the token tok into account.
func (e *expectation) see(tok ast.Token) {
	line := tok.Pos.Line
	top := -1
	if n := len(e.open); n > 0 {
		top = e.open[n-1].wait
	}
	pop := func(waits ...int) {
		for _, w := range waits {
			if top == w {
				e.open = e.open[:len(e.open)-1]
				if e.ret > len(e.open)+1 {
					e.ret = 0 // the block of the return has ended
				}
				return
			}
		}
	}
	push := func(wait int) { e.open = append(e.open, opened{wait: wait, what: tok.Str, line: line}) }
	// replace keeps what opened the construct and its line.
	replace := func(from, to int) {
		if top == from {
			e.open[len(e.open)-1].wait = to
		}
	}
	switch tok.Type {
	case '(':
		push(waitParen)
		if e.funcHead { // a parameter list: checked with checknext in Lua
			e.open[len(e.open)-1].bare = true
			e.funcHead = false
		}
	case '{':
		push(waitBrace)
	case '[':
		push(waitBracket)
	case ')':
		pop(waitParen)
	case '}':
		pop(waitBrace)
	case ']':
		pop(waitBracket)
	case TFunction:
		push(waitEnd)
		e.funcHead = true
		e.funcStat = e.prevStat || e.prev == TLocal || e.prev == 0
	case TReturn:
		e.ret = len(e.open) + 1
	case TIf:
		push(waitThen)
	case TThen:
		replace(waitThen, waitEnd)
	case TElseIf:
		replace(waitEnd, waitThen)
	case TElse:
		replace(waitEnd, waitEndElse)
	case TWhile, TFor:
		push(waitDo)
	case TDo:
		if top == waitDo {
			replace(waitDo, waitEnd)
		} else {
			push(waitEnd)
		}
	case TRepeat:
		push(waitUntil)
	case TUntil:
		pop(waitUntil)
	case TEnd:
		pop(waitEnd, waitEndElse)
	}
	e.prev = tok.Type
	switch tok.Type {
	case TIdent, TNumber, TString, TNil, TTrue, TFalse, T3Comma, ')', ']', '}', TEnd:
		e.prevExpr, e.prevStat = true, true
	case TDo, TThen, TElse, TRepeat, TBreak, TReturn, ';':
		e.prevExpr, e.prevStat = false, true
	default:
		e.prevExpr, e.prevStat = false, false
	}
}

// message returns what Lua's parser says of a syntax error at tok, on
// line (eof: at the end of the source, whose last line it is), or false
// where the tokens alone cannot tell and the error is "unexpected symbol".
func (e *expectation) message(tok ast.Token, eof bool, line int) (string, bool) {
	is := func(types ...int) bool {
		for _, t := range types {
			if !eof && tok.Type == t {
				return true
			}
		}
		return false
	}
	if !eof && tok.Type != TIdent {
		switch e.prev {
		case TFor, '.', ':':
			return "<name> expected", true
		case TLocal:
			if tok.Type != TFunction {
				return "<name> expected", true
			}
		case TFunction:
			if e.funcStat {
				return "<name> expected", true
			}
			if tok.Type != '(' {
				return "'(' expected", true
			}
		}
	}
	// After a return statement's values the block must end.
	afterReturn := e.ret == len(e.open)+1 && e.prevExpr
	if len(e.open) == 0 {
		// Nothing open: a word that ends a block has none to end.
		if afterReturn || is(TEnd, TUntil, TElse, TElseIf) && e.prevStat {
			return "'<eof>' expected", true
		}
		return "", false
	}
	o := e.open[len(e.open)-1]
	var want string
	switch o.wait {
	case waitParen, waitBrace, waitBracket:
		// After a whole expression a closing bracket may come, or an
		// operator: Lua asks for the bracket. After an operator, a comma
		// or the opening bracket, an expression was expected instead.
		if !e.prevExpr || is(')', '}', ']') {
			return "", false
		}
		want = map[int]string{waitParen: ")", waitBrace: "}", waitBracket: "]"}[o.wait]
	case waitThen, waitDo:
		if !e.prevExpr {
			return "", false
		}
		if o.wait == waitThen {
			return "'then' expected", true
		}
		return "'do' expected", true
	case waitEnd, waitEndElse, waitUntil:
		// A block ends at the end of the source or at a word that ends
		// another kind of block; any other token starts a statement, and
		// is "unexpected" there if it cannot.
		closes := afterReturn || e.prevStat && (eof || is(TEnd, TUntil, TElseIf, TElse))
		if o.wait == waitEnd && is(TElse, TElseIf) && o.what == "if" {
			closes = false // an else of this if: the error is elsewhere
		}
		if !closes {
			return "", false
		}
		want = "end"
		if o.wait == waitUntil {
			want = "until"
		}
	}
	if line == o.line || o.bare {
		return fmt.Sprintf("'%s' expected", want), true
	}
	return fmt.Sprintf("'%s' expected (to close '%s' at line %d)", want, o.what, o.line), true
}
