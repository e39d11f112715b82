package repl

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// Limits of Format: what goes past them is cut, and the cut is marked.
const (
	formatWidth    = 80   // the default width: a table that fits in it stays on one line
	formatDepth    = 6    // tables nested deeper show as {...}
	formatItems    = 50   // entries shown per table, then "... (N more)"
	formatBudget   = 1000 // entries shown in all, for one value
	formatIndent   = 2
	formatTooDeep  = "{...}"
	formatEllipsis = "..."
)

// Format renders v as the session shows values: strings quoted with Lua's
// escapes, tables as constructors (the array part first, then the other
// keys in order; nested tables indented once a table does not fit in a
// line of 80 columns), a table met again inside itself as <cycle table: 0x...>, long or
// deep tables cut with the cut marked. Values that have a __tostring
// metamethod show its result, which tostring computes; tostring may be
// nil, and then they show as Lua's default does.
func Format(v lua.LValue, tostring func(lua.LValue) (string, error)) (string, error) {
	return newFormatter(tostring, formatWidth).format(v)
}

type formatter struct {
	tostring func(lua.LValue) (string, error)
	width    int
	path     map[*lua.LTable]bool // tables being shown: a cycle leads back to one
	budget   int
}

func newFormatter(tostring func(lua.LValue) (string, error), width int) *formatter {
	if width <= 0 {
		width = formatWidth
	}
	return &formatter{tostring: tostring, width: width, path: map[*lua.LTable]bool{}, budget: formatBudget}
}

// format renders a value at the start of a line.
func (f *formatter) format(v lua.LValue) (string, error) {
	return f.value(v, 0, 0)
}

// value renders v, which starts at column col of a line indented by
// indent.
func (f *formatter) value(v lua.LValue, indent, col int) (string, error) {
	switch v := v.(type) {
	case lua.LString:
		return Quote(string(v)), nil
	case *lua.LTable:
		if hasToString(v.Metatable) {
			return f.meta(v)
		}
		return f.table(v, indent, col)
	case *lua.LUserData:
		if hasToString(v.Metatable) {
			return f.meta(v)
		}
	case lua.LNumber:
		return formatNumber(v), nil
	}
	return v.String(), nil
}

// formatNumber renders a number so that it pastes back: infinities as
// math.huge and -math.huge, NaN as 0/0 (tostring says +Inf, -Inf, NaN).
func formatNumber(n lua.LNumber) string {
	switch f := float64(n); {
	case math.IsInf(f, 1):
		return "math.huge"
	case math.IsInf(f, -1):
		return "-math.huge"
	case math.IsNaN(f):
		return "0/0"
	}
	return n.String()
}

// meta renders a value through its __tostring metamethod.
func (f *formatter) meta(v lua.LValue) (string, error) {
	if f.tostring == nil {
		return fmt.Sprintf("%s: %p", v.Type(), v), nil
	}
	return f.tostring(v)
}

func hasToString(mt lua.LValue) bool {
	t, ok := mt.(*lua.LTable)
	return ok && t.RawGetString("__tostring") != lua.LNil
}

// entry is one field of a table: its rendered key ("" in the array part)
// and its value.
type entry struct {
	key string
	val lua.LValue
}

func (f *formatter) table(t *lua.LTable, indent, col int) (string, error) {
	if f.path[t] {
		return "<cycle " + t.String() + ">", nil
	}
	if len(f.path) >= formatDepth {
		return formatTooDeep, nil
	}
	f.path[t] = true
	defer delete(f.path, t)

	entries := tableEntries(t)
	shown := min(len(entries), formatItems, f.budget)
	f.budget -= shown
	items := make([]string, 0, shown+1)
	for _, e := range entries[:shown] {
		s, err := f.value(e.val, indent+formatIndent, indent+formatIndent+len(e.key))
		if err != nil {
			return "", err
		}
		items = append(items, e.key+s)
	}
	if more := len(entries) - shown; more > 0 {
		items = append(items, fmt.Sprintf("%s (%d more)", formatEllipsis, more))
	}
	if len(items) == 0 {
		return "{}", nil
	}
	line := "{" + strings.Join(items, ", ") + "}"
	if col+utf8.RuneCountInString(line) <= f.width && !strings.Contains(line, "\n") {
		return line, nil
	}
	var b strings.Builder
	pad := strings.Repeat(" ", indent+formatIndent)
	b.WriteString("{\n")
	if packable(entries[:shown], items) {
		// An array of short values: several a line, as Python prints a list.
		lineLen := 0
		for i, item := range items {
			w := utf8.RuneCountInString(item) + 1 // and its comma
			if lineLen > 0 && len(pad)+lineLen+1+w > f.width {
				b.WriteString("\n")
				lineLen = 0
			}
			if lineLen == 0 {
				b.WriteString(pad)
			} else {
				b.WriteString(" ")
				lineLen++
			}
			b.WriteString(item)
			b.WriteString(",")
			lineLen += w
			if i == len(items)-1 {
				b.WriteString("\n")
			}
		}
		b.WriteString(strings.Repeat(" ", indent))
		b.WriteString("}")
		return b.String(), nil
	}
	for _, item := range items {
		b.WriteString(pad)
		b.WriteString(item)
		b.WriteString(",\n")
	}
	b.WriteString(strings.Repeat(" ", indent))
	b.WriteString("}")
	return b.String(), nil
}

// packable reports whether a table's items go several to a line: every
// entry is in the array part and no item spans lines.
func packable(entries []entry, items []string) bool {
	for _, e := range entries {
		if e.key != "" {
			return false
		}
	}
	for _, item := range items {
		if strings.Contains(item, "\n") {
			return false
		}
	}
	return true
}

// tableEntries lists t's fields: the array part 1..n in order, then the
// other keys, numbers first, then strings, booleans and the rest, each in
// order.
func tableEntries(t *lua.LTable) []entry {
	var entries []entry
	n := 0
	for ; t.RawGetInt(n+1) != lua.LNil; n++ {
		entries = append(entries, entry{val: t.RawGetInt(n + 1)})
	}
	type keyed struct {
		key, val lua.LValue
	}
	var rest []keyed
	t.ForEach(func(k, v lua.LValue) {
		if num, ok := k.(lua.LNumber); ok && float64(num) == float64(int(num)) && int(num) >= 1 && int(num) <= n {
			return
		}
		rest = append(rest, keyed{k, v})
	})
	slices.SortFunc(rest, func(a, b keyed) int {
		if c := cmp.Compare(keyRank(a.key), keyRank(b.key)); c != 0 {
			return c
		}
		switch ak := a.key.(type) {
		case lua.LNumber:
			return cmp.Compare(float64(ak), float64(b.key.(lua.LNumber)))
		case lua.LString:
			return cmp.Compare(string(ak), string(b.key.(lua.LString)))
		case lua.LBool:
			return cmp.Compare(strconv.FormatBool(bool(ak)), strconv.FormatBool(bool(b.key.(lua.LBool))))
		}
		return cmp.Compare(a.key.String(), b.key.String())
	})
	for _, kv := range rest {
		entries = append(entries, entry{key: formatKey(kv.key), val: kv.val})
	}
	return entries
}

func keyRank(k lua.LValue) int {
	switch k.(type) {
	case lua.LNumber:
		return 0
	case lua.LString:
		return 1
	case lua.LBool:
		return 2
	}
	return 3
}

// formatKey renders a key as a table constructor writes it: name = or
// [key] = .
func formatKey(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok {
		if isName(string(s)) {
			return string(s) + " = "
		}
		return "[" + Quote(string(s)) + "] = "
	}
	return "[" + k.String() + "] = "
}

// isName reports whether s is a Lua name: letters, digits and
// underscores, not starting with a digit, and not a keyword.
func isName(s string) bool {
	if s == "" || slices.Contains(keywords, s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && (i == 0 || !('0' <= c && c <= '9')) {
			return false
		}
	}
	return true
}

// keywords are Lua 5.1's reserved words.
var keywords = []string{
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in",
	"local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}

// Quote returns s as a Lua string literal in double quotes: printable
// UTF-8 stays as it is, the usual control characters take their escapes
// (\n, \t, ...), and other bytes become decimal escapes (\0, \27, \255),
// as Lua's %q would read them back.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\a':
			b.WriteString(`\a`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\v':
			b.WriteString(`\v`)
		case r == utf8.RuneError && size <= 1, c < 0x20, c == 0x7f:
			// A decimal escape takes up to three digits: pad it when a
			// digit follows, so that it is not read as part of it.
			if i+size < len(s) && '0' <= s[i+size] && s[i+size] <= '9' {
				fmt.Fprintf(&b, `\%03d`, c)
			} else {
				fmt.Fprintf(&b, `\%d`, c)
			}
			size = 1
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}
