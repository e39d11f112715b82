package posixpath

import (
	"strings"
	"unicode/utf8"
)

// HasMagic reports whether p has a wildcard: *, ? or [.
func HasMagic(p string) bool { return strings.ContainsAny(p, "*?[") }

// A Pattern is a compiled fnmatch pattern (see Compile).
type Pattern struct {
	toks []token
}

type tokKind uint8

const (
	tokChar tokKind = iota // one given character
	tokAny                 // ?
	tokStar                // *
	tokSet                 // [...]
)

type token struct {
	kind   tokKind
	r      rune
	negate bool
	set    []runeRange
}

type runeRange struct{ lo, hi rune }

// decode returns the character at the start of s and its length. A byte
// that is not UTF-8 is one character of its own, as Python's
// surrogateescape decoding of file names makes it (U+DC80 to U+DCFF).
func decode(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		return 0xDC00 + rune(s[0]), 1
	}
	return r, n
}

func runes(s string) []rune {
	var out []rune
	for len(s) > 0 {
		r, n := decode(s)
		out = append(out, r)
		s = s[n:]
	}
	return out
}

// Compile compiles an fnmatch pattern, as Python's fnmatch.translate
// reads it: * matches any characters (slashes too), ? any one, and
// [...] one of a set, [!...] one not in it, with ranges a-z; a [ without
// its ] is itself, and a range whose ends are out of order matches
// nothing (and its ends are dropped from the set). Every other character
// stands for itself; there is no escape character. Matching is on
// characters, case-sensitive.
func Compile(pattern string) *Pattern {
	pat := runes(pattern)
	p := &Pattern{}
	n := len(pat)
	for i := 0; i < n; {
		c := pat[i]
		i++
		switch c {
		case '*':
			if len(p.toks) == 0 || p.toks[len(p.toks)-1].kind != tokStar {
				p.toks = append(p.toks, token{kind: tokStar})
			}
		case '?':
			p.toks = append(p.toks, token{kind: tokAny})
		case '[':
			j := i
			if j < n && pat[j] == '!' {
				j++
			}
			if j < n && pat[j] == ']' {
				j++
			}
			for j < n && pat[j] != ']' {
				j++
			}
			if j >= n {
				p.toks = append(p.toks, token{kind: tokChar, r: '['})
				continue
			}
			p.toks = append(p.toks, bracket(pat, i, j))
			i = j + 1
		default:
			p.toks = append(p.toks, token{kind: tokChar, r: c})
		}
	}
	return p
}

// bracket compiles pat[i:j], the inside of a [...], as fnmatch.translate
// does: the text splits into chunks at the hyphens that make ranges (not
// the first character, nor one right after a range), each range joins the
// last character of a chunk to the first of the next, and a range out of
// order is dropped with its two ends.
func bracket(pat []rune, i, j int) token {
	var chunks [][]rune
	k := i + 1
	if pat[i] == '!' {
		k = i + 2
	}
	for {
		for k < j && pat[k] != '-' {
			k++
		}
		if k >= j {
			break
		}
		chunks = append(chunks, pat[i:k])
		i = k + 1
		k += 3
	}
	if chunk := pat[i:j]; len(chunk) > 0 {
		chunks = append(chunks, chunk)
	} else {
		last := chunks[len(chunks)-1]
		chunks[len(chunks)-1] = append(last[:len(last):len(last)], '-')
	}
	for k := len(chunks) - 1; k > 0; k-- {
		prev, cur := chunks[k-1], chunks[k]
		if prev[len(prev)-1] > cur[0] {
			merged := append(append([]rune{}, prev[:len(prev)-1]...), cur[1:]...)
			chunks[k-1] = merged
			chunks = append(chunks[:k], chunks[k+1:]...)
		}
	}
	t := token{kind: tokSet}
	if len(chunks[0]) > 0 && chunks[0][0] == '!' {
		t.negate = true
		chunks[0] = chunks[0][1:]
	}
	for m, chunk := range chunks {
		start := 0
		if m > 0 {
			// The first character ends the range from the last of the
			// chunk before.
			t.set[len(t.set)-1].hi = chunk[0]
			start = 1
		}
		for _, r := range chunk[start:] {
			t.set = append(t.set, runeRange{r, r})
		}
	}
	return t
}

func (t *token) matches(r rune) bool {
	switch t.kind {
	case tokChar:
		return r == t.r
	case tokAny:
		return true
	}
	in := false
	for _, rg := range t.set {
		if rg.lo <= r && r <= rg.hi {
			in = true
			break
		}
	}
	return in != t.negate
}

// Match reports whether name matches the compiled pattern whole.
func (p *Pattern) Match(name string) bool {
	toks := p.toks
	// The usual backtracking over the last star: on a mismatch, the star
	// takes one more character.
	starTok, starPos := -1, 0
	ti, pos := 0, 0
	for {
		if ti < len(toks) && toks[ti].kind == tokStar {
			starTok, starPos = ti, pos
			ti++
			continue
		}
		if pos == len(name) {
			if ti == len(toks) {
				return true
			}
		} else if ti < len(toks) {
			r, n := decode(name[pos:])
			if toks[ti].matches(r) {
				ti++
				pos += n
				continue
			}
		}
		if starTok < 0 || starPos >= len(name) {
			return false
		}
		_, n := decode(name[starPos:])
		starPos += n
		ti, pos = starTok+1, starPos
	}
}

// Match reports whether name matches pattern, as Python's
// fnmatch.fnmatchcase (see Compile).
func Match(pattern, name string) bool { return Compile(pattern).Match(name) }
