package repl

import (
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// indexDepth bounds how many __index tables completion follows from one
// value, so that a loop of metatables cannot hang it.
const indexDepth = 8

// Complete returns the completions of the name that line ends with: the
// part of it already typed and the whole names that start with it, sorted.
// A name is a chain like string.fo, io.stdout:wr or s:set_: after a dot,
// the candidates are the fields of the value before it (a table's keys,
// and those of the tables its metatable's __index leads to); after a
// colon, its methods (the same, but only functions, so that f:<TAB> on a
// file or s:<TAB> on a socket lists what their metatables offer); with no
// dot or colon, the globals and Lua's keywords. Completion only reads:
// no metamethod runs, no __index function is called.
//
// It must not run while a chunk does.
func (s *Session) Complete(line string) (typed string, names []string) {
	chain, ok := nameChain(line)
	if !ok {
		return "", nil
	}
	L := s.rt.LState()
	sep := strings.LastIndexAny(chain, ".:")
	typed = chain[sep+1:]
	var cands []string
	if sep < 0 {
		cands = fieldNames(L, L.Get(lua.GlobalsIndex), false)
		cands = append(cands, keywords...)
	} else {
		v := lookup(L, chain[:sep])
		if v == lua.LNil {
			return typed, nil
		}
		cands = fieldNames(L, v, chain[sep] == ':')
	}
	for _, c := range cands {
		if strings.HasPrefix(c, typed) && !slices.Contains(names, c) {
			names = append(names, c)
		}
	}
	slices.Sort(names)
	return typed, names
}

// nameChain returns the chain of names separated by dots and colons at
// the end of line: "io.stdout:wr" in "x = io.stdout:wr". It fails where a
// name cannot be completed: inside a string, after a number, on a chain
// with an empty name in its middle or a colon before its last name.
func nameChain(line string) (string, bool) {
	if inString(line) {
		return "", false
	}
	start := len(line)
	for start > 0 {
		c := line[start-1]
		if c != '.' && c != ':' && c != '_' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9') {
			break
		}
		start--
	}
	chain := line[start:]
	if start > 0 && (line[start-1] == ')' || line[start-1] == ']' || line[start-1] == '"' || line[start-1] == '\'') {
		return "", false // a call's or an index's result: completion does not evaluate
	}
	if chain != "" && (chain[0] == '.' || chain[0] == ':' || ('0' <= chain[0] && chain[0] <= '9')) {
		return "", false
	}
	if strings.Contains(chain, "..") || strings.Contains(chain, "::") || strings.Contains(chain, ".:") || strings.Contains(chain, ":.") {
		return "", false
	}
	if i := strings.IndexByte(chain, ':'); i >= 0 && i != strings.LastIndexAny(chain, ".:") {
		return "", false
	}
	return chain, true
}

// inString reports whether line ends inside a quoted string. Long
// brackets and comments are not followed: a guess is enough here.
func inString(line string) bool {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		}
	}
	return quote != 0
}

// lookup follows a chain of names from the globals, reading fields as
// fieldNames lists them. It returns LNil where one is missing.
func lookup(L *lua.LState, chain string) lua.LValue {
	v := L.Get(lua.GlobalsIndex)
	for name := range strings.FieldsFuncSeq(chain, func(r rune) bool { return r == '.' || r == ':' }) {
		v = field(L, v, name)
		if v == lua.LNil {
			return lua.LNil
		}
	}
	return v
}

// field reads v[name] without running code: a raw read of a table, then
// the tables that __index leads to.
func field(L *lua.LState, v lua.LValue, name string) lua.LValue {
	for range indexDepth {
		if t, ok := v.(*lua.LTable); ok {
			if f := t.RawGetString(name); f != lua.LNil {
				return f
			}
		}
		next, ok := index(L, v)
		if !ok {
			return lua.LNil
		}
		v = next
	}
	return lua.LNil
}

// index returns the table that v's metatable's __index names.
func index(L *lua.LState, v lua.LValue) (*lua.LTable, bool) {
	mt, ok := L.GetMetatable(v).(*lua.LTable)
	if !ok {
		return nil, false
	}
	t, ok := mt.RawGetString("__index").(*lua.LTable)
	return t, ok
}

// fieldNames lists the names of v's fields that are Lua names: a table's
// own keys, then those of the __index tables. With methods, only those
// whose value is a function.
func fieldNames(L *lua.LState, v lua.LValue, methods bool) []string {
	var names []string
	for range indexDepth {
		if t, ok := v.(*lua.LTable); ok {
			t.ForEach(func(k, val lua.LValue) {
				s, ok := k.(lua.LString)
				if !ok || !isName(string(s)) {
					return
				}
				if methods && val.Type() != lua.LTFunction {
					return
				}
				if s == "__index" && val == t {
					return // a table that is its own metatable's __index: string's
				}
				names = append(names, string(s))
			})
		}
		next, ok := index(L, v)
		if !ok {
			break
		}
		v = next
	}
	return names
}
