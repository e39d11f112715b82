package repl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/safesh/safesh/docs"
	"github.com/safesh/safesh/internal/luaargs"
	lua "github.com/yuin/gopher-lua"
)

// luaManual is where Lua 5.1's own functions are described; a function
// has its anchor there as #pdf-NAME.
const luaManual = "https://www.lua.org/manual/5.1/manual.html"

// helpIntro is what help() with no argument prints.
const helpIntro = `help(f) shows what a function takes and returns: help(os.open), help(sock.recv).
help(module) lists a module's functions: help(os), help(socket) (after require).
help("name") does the same by name, without require: help("subprocess.run"), help("socket").
Every function, one line each: docs/api.md in safesh's source; the conventions
they share (nil, message, errno; closing twice): docs/conventions.md.
`

// installHelp sets the global help for the session, unless the script
// that ran before it (safesh -i script.lua) set one of its own. help is
// the session's, not the runtime's: see docs/cli.md, "help".
func (s *Session) installHelp() {
	L := s.rt.LState()
	if L.GetGlobal("help") != lua.LNil {
		return
	}
	L.SetGlobal("help", L.NewFunction(func(L *lua.LState) int {
		text := helpText(L, L.Get(1), L.GetTop() == 0)
		// What the chunk printed before comes first.
		if io, ok := L.GetGlobal("io").(*lua.LTable); ok {
			if out, ok := io.RawGetString("stdout").(*lua.LUserData); ok {
				if flush, ok := L.GetField(out, "flush").(*lua.LFunction); ok {
					_ = L.CallByParam(lua.P{Fn: flush, NRet: 0, Protect: true}, out)
				}
			}
		}
		fmt.Fprint(s.stdout, text)
		return 0
	}))
}

// helpText is what help(v) prints.
func helpText(L *lua.LState, v lua.LValue, none bool) string {
	idx := docs.API()
	if none {
		return helpIntro
	}
	switch v := v.(type) {
	case *lua.LNilType:
		return "help(nil): nothing to show; a module not yet required is nil (help(\"socket\") needs no require)\n"
	case lua.LString:
		name := string(v)
		if e, ok := idx.Lookup(name); ok {
			return entryText(e)
		}
		if secs := idx.Module(name); secs != nil {
			return moduleText(secs)
		}
		if val := lookupName(L, name); val != lua.LNil {
			return helpText(L, val, false)
		}
		return fmt.Sprintf("no help for %q: docs/api.md lists every function of safesh's modules\n", name)
	case *lua.LFunction:
		place, found := luaargs.FindFunc(L, v)
		if found && place.Type != "" {
			if e, ok := idx.Method(place.Type, place.Name); ok {
				return entryText(e)
			}
		}
		if found && place.Type == "" {
			if e, ok := idx.Lookup(place.Name); ok {
				return entryText(e)
			}
			if !v.IsG {
				return fmt.Sprintf("%s: a Lua function, defined at %s:%d\n", place.Name, v.Proto.SourceName, v.Proto.LineDefined)
			}
			return fmt.Sprintf("%s: one of Lua 5.1's functions: %s#pdf-%s\n", place.Name, luaManual, place.Name)
		}
		if !v.IsG {
			return fmt.Sprintf("a Lua function, defined at %s:%d\n", v.Proto.SourceName, v.Proto.LineDefined)
		}
		return "a Go function that no module holds: no help for it\n"
	case *lua.LTable:
		if name, ok := moduleName(L, v); ok {
			if secs := idx.Module(name); secs != nil {
				return moduleText(secs)
			}
			return fmt.Sprintf("%s: one of Lua 5.1's libraries: %s#5\n", name, luaManual)
		}
		return "a table that is not a module: help takes a function, a module or a name\n"
	case *lua.LUserData:
		if typ, ok := typeName(L, v); ok {
			var secs []docs.Section
			for _, s := range idx.Sections {
				if s.Type == typ {
					secs = append(secs, s)
				}
			}
			if secs != nil {
				return moduleText(secs)
			}
		}
	}
	return fmt.Sprintf("no help for a %s: help takes a function, a module or a name (help() says more)\n", v.Type())
}

// entryText shows one line of the index.
func entryText(e docs.Entry) string {
	return fmt.Sprintf("%s\n  %s\n  docs/%s\n", signature(e), docs.Plain(e.Summary), e.Link)
}

// signature is an entry's call and what it returns.
func signature(e docs.Entry) string {
	if e.Returns == "" {
		return e.Signature
	}
	return e.Signature + " → " + docs.Plain(e.Returns)
}

// moduleText lists sections, a line a function.
func moduleText(secs []docs.Section) string {
	var b strings.Builder
	for i, s := range secs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s — docs/%s\n", docs.Plain(s.Title), s.Link)
		for _, e := range s.Entries {
			fmt.Fprintf(&b, "  %s — %s\n", signature(e), docs.Plain(e.Summary))
		}
	}
	return b.String()
}

// lookupName finds a dotted name ("string.rep", "os.path") among the
// loaded modules and the globals.
func lookupName(L *lua.LState, name string) lua.LValue {
	loaded, _ := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	parts := strings.Split(name, ".")
	var v lua.LValue = lua.LNil
	if loaded != nil {
		v = loaded.RawGetString(parts[0])
	}
	if v == lua.LNil {
		v = L.GetGlobal(parts[0])
	}
	for _, p := range parts[1:] {
		t, ok := v.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		v = t.RawGetString(p)
	}
	return v
}

// moduleName finds the name under which package.loaded holds t, or a
// module's sub-table ("os.path").
func moduleName(L *lua.LState, t *lua.LTable) (string, bool) {
	loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	if !ok {
		return "", false
	}
	var names []string
	loaded.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && s != "_G" {
			names = append(names, string(s))
		}
	})
	sort.Strings(names)
	for _, n := range names {
		if loaded.RawGetString(n) == t {
			return n, true
		}
	}
	for _, n := range names {
		mod, ok := loaded.RawGetString(n).(*lua.LTable)
		if !ok {
			continue
		}
		var found string
		mod.ForEach(func(k, v lua.LValue) {
			if s, ok := k.(lua.LString); ok && v == t && found == "" {
				found = n + "." + string(s)
			}
		})
		if found != "" {
			return found, true
		}
	}
	return "", false
}

// typeName finds the name under which ud's metatable is registered.
func typeName(L *lua.LState, ud *lua.LUserData) (string, bool) {
	mt, ok := ud.Metatable.(*lua.LTable)
	if !ok {
		return "", false
	}
	var found string
	L.Get(lua.RegistryIndex).(*lua.LTable).ForEach(func(k, v lua.LValue) {
		if s, ok := k.(lua.LString); ok && v == mt {
			found = string(s)
		}
	})
	return found, found != ""
}
