// Package shlex splits, quotes and joins command lines as a POSIX shell
// reads them, with exactly the results of Python's shlex.split, quote
// and join.
package shlex

import (
	"errors"
	"strings"
)

// ErrNoClosingQuote and ErrNoEscapedChar are Split's errors: Python's
// messages, in Go's lower case.
var (
	ErrNoClosingQuote = errors.New("no closing quotation")
	ErrNoEscapedChar  = errors.New("no escaped character")
)

// isSpace reports whether c separates words: shlex's whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// Split splits s into words as a POSIX shell does, as Python's
// shlex.split(s) (posix, no comments): words are separated by spaces,
// tabs and newlines; '...' keeps everything literally; "..." keeps
// everything but \ before " or \ itself; \ outside quotes takes the next
// character literally; quotes join with what touches them, and "" is an
// empty word. Nothing is expanded.
func Split(s string) ([]string, error) {
	words := []string{}
	var word strings.Builder
	inWord := false // a word has begun, even an empty one ("")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isSpace(c):
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case c == '\\':
			i++
			if i == len(s) {
				return nil, ErrNoEscapedChar
			}
			word.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, ErrNoClosingQuote
			}
			word.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; ; i++ {
				if i == len(s) {
					return nil, ErrNoClosingQuote
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' {
					i++
					if i == len(s) {
						return nil, ErrNoEscapedChar
					}
					if s[i] != '"' && s[i] != '\\' {
						word.WriteByte('\\')
					}
				}
				word.WriteByte(s[i])
			}
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// safe reports whether c needs no quoting: Python's [\w@%+=:,./-] in
// ASCII.
func safe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("_@%+=:,./-", c) >= 0
}

// Quote returns s quoted for a POSIX shell, as Python's shlex.quote: as
// it is if it holds only safe characters, else in single quotes, each
// single quote written as the five characters '"'"' (the empty string
// becomes a pair of single quotes).
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	for i := 0; i < len(s); i++ {
		if !safe(s[i]) {
			return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
		}
	}
	return s
}

// Join quotes each argument and joins them with spaces, as Python's
// shlex.join: the command line Split turns back into args.
func Join(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}
