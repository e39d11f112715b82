// Package docs holds safesh's documentation pages, and gives Go the API
// index, api.md, as data: the one source of both the page and the
// interactive session's help(). The page is written by hand in a fixed
// form (see Parse); a test fails when it and the modules disagree.
package docs

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

// APIPage is api.md as embedded at build time.
//
//go:embed api.md
var APIPage string

// An Entry is one line of the API index: one function or method.
type Entry struct {
	// Name is how a script reaches the function: "os.open",
	// "os.path.join"; for a method, Receiver:Method ("f:read").
	Name string
	// Module is the section's module ("os", "os.path") for a function,
	// and the module the type belongs to ("io") for a method.
	Module string
	// Type, for a method, is the registered name of its type's metatable
	// ("FILE*", "socket"); Receiver the variable the page calls the
	// object ("f", "sock"), and Method the method's name ("read").
	Type, Receiver, Method string
	// Signature is the call as the page writes it, without backticks:
	// "os.open(path, flags [, mode])".
	Signature string
	// Returns and Summary are the line's other two cells, as Markdown.
	Returns, Summary string
	// Link is the page (and anchor) the line links to: "os.md#osstat".
	Link string
}

// A Section is one "## " section of the index: a module's functions or a
// type's methods.
type Section struct {
	Title   string // the heading's text before " — "
	Module  string // the module, for a type's section the one it belongs to
	Type    string // the type's registered name, or "" for a module
	Link    string // the page the heading links to
	Entries []Entry
}

// Index is the parsed API index.
type Index struct {
	Sections []Section
}

var (
	headingRE = regexp.MustCompile(`^## (.+?) — \[[^\]]+\]\(([^)]+)\)$`)
	typeRE    = regexp.MustCompile("\\(`([^`]+)`\\)$")
	moduleRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	callRE    = regexp.MustCompile("^\\[`([^`]+)`\\]\\(([^)]+)\\)$")
	nameRE    = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.]*?)(?::([A-Za-z_][A-Za-z0-9_]*))?\(`)
)

// Parse reads an API index page. Its form:
//
//   - "## MODULE — [PAGE](LINK)" begins a module's section ("## os.path —
//     ..."); "## TITLE (`TYPE`) — [PAGE](LINK)" a type's methods, TYPE the
//     name its metatable is registered under. A type belongs to the last
//     module section before it whose name has no dot.
//   - In a section, each table row "| [`CALL`](LINK) | RETURNS | SUMMARY |"
//     is an entry; CALL is "mod.name(args)" or, in a type's section,
//     "recv:name(args)". "\|" stands for "|" in a cell.
//
// Other lines are prose. A row that looks like an entry but does not fit
// is an error, as is a name given twice.
func Parse(page string) (*Index, error) {
	idx := &Index{}
	var cur *Section
	owner := ""
	seen := map[string]bool{}
	for i, line := range strings.Split(page, "\n") {
		lineNo := i + 1
		if strings.HasPrefix(line, "## ") {
			m := headingRE.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("api.md:%d: a section heading must be \"## NAME — [page](link)\"", lineNo)
			}
			sec := Section{Title: m[1], Link: m[2]}
			if t := typeRE.FindStringSubmatch(m[1]); t != nil {
				if owner == "" {
					return nil, fmt.Errorf("api.md:%d: type %s before any module", lineNo, t[1])
				}
				sec.Type, sec.Module = t[1], owner
			} else {
				if !moduleRE.MatchString(m[1]) {
					return nil, fmt.Errorf("api.md:%d: %q is neither a module name nor a type's title", lineNo, m[1])
				}
				sec.Module = m[1]
				if !strings.Contains(m[1], ".") {
					owner = m[1]
				}
			}
			idx.Sections = append(idx.Sections, sec)
			cur = &idx.Sections[len(idx.Sections)-1]
			continue
		}
		if !strings.HasPrefix(line, "| [`") {
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("api.md:%d: an entry before any section", lineNo)
		}
		cells := splitRow(line)
		if len(cells) != 3 {
			return nil, fmt.Errorf("api.md:%d: an entry has three cells: call, returns, what it does", lineNo)
		}
		m := callRE.FindStringSubmatch(cells[0])
		if m == nil {
			return nil, fmt.Errorf("api.md:%d: the first cell must be [`call`](link)", lineNo)
		}
		e := Entry{Module: cur.Module, Type: cur.Type, Signature: m[1], Link: m[2], Returns: cells[1], Summary: cells[2]}
		n := nameRE.FindStringSubmatch(e.Signature)
		if n == nil {
			return nil, fmt.Errorf("api.md:%d: %q is not a call", lineNo, e.Signature)
		}
		if cur.Type != "" {
			if n[2] == "" || strings.Contains(n[1], ".") {
				return nil, fmt.Errorf("api.md:%d: a method is written recv:name(...), not %q", lineNo, e.Signature)
			}
			e.Receiver, e.Method = n[1], n[2]
			e.Name = n[1] + ":" + n[2]
		} else {
			if n[2] != "" || !strings.HasPrefix(n[1], cur.Module+".") || strings.Contains(n[1][len(cur.Module)+1:], ".") {
				return nil, fmt.Errorf("api.md:%d: %q is not a function of %s", lineNo, e.Signature, cur.Module)
			}
			e.Name = n[1]
		}
		key := e.Type + " " + e.Name
		if cur.Type != "" {
			key = e.Type + ":" + e.Method
		}
		if seen[key] {
			return nil, fmt.Errorf("api.md:%d: %s is listed twice", lineNo, e.Name)
		}
		seen[key] = true
		if e.Summary == "" {
			return nil, fmt.Errorf("api.md:%d: %s says nothing of what it does", lineNo, e.Name)
		}
		cur.Entries = append(cur.Entries, e)
	}
	return idx, nil
}

// splitRow returns the cells of a Markdown table row, "\|" read as "|".
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	var cell strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cell.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

var api = func() *Index {
	idx, err := Parse(APIPage)
	if err != nil {
		panic("docs: " + err.Error()) // TestAPIPageParses says where
	}
	return idx
}()

// API returns the index of api.md.
func API() *Index { return api }

// Entries returns every entry of the index, in the page's order.
func (x *Index) Entries() []Entry {
	var all []Entry
	for _, s := range x.Sections {
		all = append(all, s.Entries...)
	}
	return all
}

// Lookup finds an entry by name: "os.open", "os.path.join", a method as
// the page writes it ("sock:recv") or by its type ("socket:recv",
// "FILE*:read").
func (x *Index) Lookup(name string) (Entry, bool) {
	for _, e := range x.Entries() {
		if e.Name == name || e.Type != "" && e.Type+":"+e.Method == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Method finds the entry of method name of type typ.
func (x *Index) Method(typ, name string) (Entry, bool) {
	for _, e := range x.Entries() {
		if e.Type == typ && e.Method == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Module returns the sections of module mod: its own, its submodules'
// ("os.path" for "os") and its types'. It returns nil for a name that is
// not a module of the index.
func (x *Index) Module(mod string) []Section {
	var out []Section
	for _, s := range x.Sections {
		if s.Module == mod || s.Type == "" && strings.HasPrefix(s.Module, mod+".") {
			out = append(out, s)
		}
	}
	return out
}

// Plain returns Markdown text as a terminal shows it: without the
// backticks of code spans.
func Plain(md string) string {
	return strings.ReplaceAll(md, "`", "")
}
