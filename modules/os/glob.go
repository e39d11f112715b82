package os

import (
	"sort"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/posixpath"
	lua "github.com/yuin/gopher-lua"
)

// glob is os.glob(pattern): the paths that match, sorted, as Python's
// glob.glob(pattern, recursive=True) finds them: *, ? and [...] within a
// name, ** as a whole element for any depth; names starting with a dot
// only where the pattern's element starts with one. Directories that
// cannot be read are passed over.
func (l *lib) glob(L *lua.LState) int {
	pattern := luaargs.CheckString(L, 1)
	g := &globber{l: l}
	var out []string
	skipEmpty := pattern == "" || len(pattern) >= 2 && pattern[:2] == "**" && (len(pattern) == 2 || pattern[2] == '/')
	first := true
	g.iglob(pattern, false, func(p string) {
		if first && skipEmpty && p == "" {
			first = false
			return
		}
		first = false
		out = append(out, p)
	})
	sort.Strings(out)
	t := L.CreateTable(len(out), 0)
	for _, p := range out {
		t.Append(lua.LString(p))
	}
	L.Push(t)
	return 1
}

// A globber is one os.glob: Python's glob._iglob and its helpers, over
// the runtime's policy.
type globber struct {
	l *lib
}

func (g *globber) lexists(p string) bool {
	_, err := g.l.st.Policy.Stat(p, false)
	return err == nil
}

func (g *globber) isdir(p string) bool {
	st, err := g.l.st.Policy.Stat(p, true)
	return err == nil && st.IsDir()
}

// join is glob._join: os.path.join unless one side is empty.
func join(dir, base string) string {
	if dir == "" || base == "" {
		return dir + base
	}
	return posixpath.Join(dir, base)
}

func hidden(name string) bool { return name != "" && name[0] == '.' }

// iglob yields the paths that match pattern (only directories, with
// dironly set).
func (g *globber) iglob(pattern string, dironly bool, yield func(string)) {
	dir, base := posixpath.Split(pattern)
	if !posixpath.HasMagic(pattern) {
		if base != "" {
			if g.lexists(pattern) {
				yield(pattern)
			}
		} else if g.isdir(dir) {
			yield(pattern)
		}
		return
	}
	if dir == "" {
		if base == "**" {
			g.glob2("", dironly, yield)
		} else {
			g.glob1("", base, dironly, yield)
		}
		return
	}
	var dirs []string
	if dir != pattern && posixpath.HasMagic(dir) {
		g.iglob(dir, true, func(d string) { dirs = append(dirs, d) })
	} else {
		dirs = []string{dir}
	}
	for _, d := range dirs {
		each := func(name string) { yield(posixpath.Join(d, name)) }
		switch {
		case base == "**":
			g.glob2(d, dironly, each)
		case posixpath.HasMagic(base):
			g.glob1(d, base, dironly, each)
		default:
			g.glob0(d, base, each)
		}
	}
}

// glob0 yields base if it exists in dir (dir itself for an empty base,
// if it is a directory).
func (g *globber) glob0(dir, base string, yield func(string)) {
	if base != "" {
		if g.lexists(join(dir, base)) {
			yield(base)
		}
	} else if g.isdir(dir) {
		yield(base)
	}
}

// glob1 yields the names in dir that match pattern.
func (g *globber) glob1(dir, pattern string, dironly bool, yield func(string)) {
	m := posixpath.Compile(pattern)
	for _, e := range g.listdir(dir, dironly) {
		if !hidden(pattern) && hidden(e.name) {
			continue
		}
		if m.Match(e.name) {
			yield(e.name)
		}
	}
}

// glob2 yields "" and every path beneath dir, relative to it, not
// entering hidden names.
func (g *globber) glob2(dir string, dironly bool, yield func(string)) {
	yield("")
	g.rlistdir(dir, dironly, yield)
}

func (g *globber) rlistdir(dir string, dironly bool, yield func(string)) {
	for _, e := range g.listdir(dir, dironly) {
		if hidden(e.name) {
			continue
		}
		yield(e.name)
		if !e.dir {
			continue // Python tries to list it too, and fails
		}
		sub := e.name
		if dir != "" {
			sub = join(dir, e.name)
		}
		g.rlistdir(sub, dironly, func(y string) { yield(join(e.name, y)) })
	}
}

// A globEntry is a name in a directory, and whether it is one (through a
// link too).
type globEntry struct {
	name string
	dir  bool
}

// listdir lists dir ("" is the working directory), or only its
// directories, following links as Python's DirEntry.is_dir does (through
// the policy, which confines where they lead). Errors give nothing.
func (g *globber) listdir(dir string, dironly bool) []globEntry {
	if dir == "" {
		dir = "."
	}
	fd, err := g.l.st.Policy.OpenDir(dir, false)
	if err != nil {
		return nil
	}
	defer inherit.Close(fd)
	d := inherit.NewDirReader(fd)
	defer d.Release()
	var out []globEntry
	for {
		name, mode, more, err := d.Next()
		if err != nil || !more {
			return out
		}
		isDir := mode == inherit.ModeDir
		if mode == inherit.ModeLink {
			isDir = g.isdir(join(dir, name))
		}
		if dironly && !isDir {
			continue
		}
		out = append(out, globEntry{name, isDir})
	}
}
