package shutil

import (
	"errors"
	"strconv"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/policy"
	"github.com/safesh/safesh/internal/posixpath"
	lua "github.com/yuin/gopher-lua"
)

// An entry is a name in a directory and its type (FileStat.Mode's type
// bits, as inherit.DirReader gives them).
type entry struct {
	name string
	mode uint32
}

// listDir reads the entries of the directory at path, through the policy,
// and closes it before returning.
func (l *lib) listDir(path string) ([]entry, error) {
	fd, err := l.st.Policy.OpenDir(path, false)
	if err != nil {
		return nil, err
	}
	defer inherit.Close(fd)
	return readEntries(fd)
}

// readEntries reads every entry of the directory open at fd.
func readEntries(fd int) ([]entry, error) {
	d := inherit.NewDirReader(fd)
	defer d.Release()
	var out []entry
	for {
		name, mode, more, err := d.Next()
		if err != nil {
			return out, err
		}
		if !more {
			return out, nil
		}
		out = append(out, entry{name, mode})
	}
}

// A treeCopy is one shutil.copytree.
type treeCopy struct {
	l        *lib
	L        *lua.LState
	symlinks bool
	ignore   *lua.LFunction
	existOK  bool
	errs     []error
}

// copytree is shutil.copytree(src, dst [, opts]): it copies the tree at
// src to dst, a new directory (an existing one with dirs_exist_ok), as
// Python's: files with copy2, symbolic links as links with symlinks set,
// else what they lead to. Names ignore(dir, names) returns are skipped. A
// link that leads back into the directories being copied is an error
// (ELOOP) rather than a copy without end. Errors do not stop the copy:
// the first is returned at the end, with how many there were.
func (l *lib) copytree(L *lua.LState) int {
	src, dst := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	opts := luaargs.CheckOptions(L, 3, "symlinks", "ignore", "dirs_exist_ok")
	t := &treeCopy{l: l, L: L}
	t.symlinks = luaargs.OptBoolField(L, opts, 3, "symlinks", false)
	t.existOK = luaargs.OptBoolField(L, opts, 3, "dirs_exist_ok", false)
	t.ignore = optFunc(L, opts, 3, "ignore")
	if err := t.copy(src, dst, nil); err != nil {
		return pushOpError(L, "copytree", src, dst, err)
	}
	if len(t.errs) > 0 {
		err := t.errs[0]
		if len(t.errs) > 1 {
			err = &opError{op: "copytree", src: src, dst: dst, cause: moreErrors{err, len(t.errs) - 1}}
		}
		return pushOpError(L, "copytree", src, dst, err)
	}
	L.Push(lua.LString(dst))
	return 1
}

// moreErrors is the first of several errors.
type moreErrors struct {
	first error
	more  int
}

func (e moreErrors) Error() string {
	return reason(e.first) + " (and " + strconv.Itoa(e.more) + " more errors)"
}
func (e moreErrors) Unwrap() error { return e.first }

// optFunc reads an option that is a function, or nil.
func optFunc(L *lua.LState, opts *lua.LTable, n int, name string) *lua.LFunction {
	switch fn := opts.RawGetString(name).(type) {
	case *lua.LNilType:
	case *lua.LFunction:
		return fn
	default:
		luaargs.ArgError(L, n, name+": function expected, got "+fn.Type().String())
	}
	return nil
}

// ignored calls the ignore function with dir and its names, and returns
// the names it gives back (as an array, or as the keys of a set).
func (t *treeCopy) ignored(dir string, entries []entry) map[string]bool {
	if t.ignore == nil {
		return nil
	}
	names := t.L.CreateTable(len(entries), 0)
	for _, e := range entries {
		names.Append(lua.LString(e.name))
	}
	t.L.Push(t.ignore)
	t.L.Push(lua.LString(dir))
	t.L.Push(names)
	t.L.Call(2, 1)
	res := t.L.Get(-1)
	t.L.Pop(1)
	out := map[string]bool{}
	switch r := res.(type) {
	case *lua.LNilType:
	case *lua.LTable:
		r.ForEach(func(k, v lua.LValue) {
			if s, ok := v.(lua.LString); ok {
				out[string(s)] = true
			} else if s, ok := k.(lua.LString); ok && lua.LVAsBool(v) {
				out[string(s)] = true
			}
		})
	default:
		t.L.RaiseError("copytree: ignore must return a table of names, got %s", res.Type())
	}
	return out
}

// A dirID is a directory's device and inode.
type dirID struct{ dev, ino uint64 }

// copy copies the directory src to dst. above are the directories being
// copied that hold src. An error that stops the directory's copy is
// returned (the caller records it, or returns it from the top); the
// errors of its entries are recorded and the copy goes on.
func (t *treeCopy) copy(src, dst string, above []dirID) error {
	p := t.l.st.Policy
	sst, err := p.Stat(src, true)
	if err != nil {
		return err
	}
	id := dirID{sst.Dev, sst.Ino}
	for _, a := range above {
		if a == id {
			return fail{src + ": a loop of symbolic links", syscall.ELOOP}
		}
	}
	above = append(above, id)
	entries, err := t.l.listDir(src)
	if err != nil {
		return err
	}
	skip := t.ignored(src, entries)
	if err := policy.MakeDirs(p, dst, 0o777, t.existOK); err != nil {
		return err
	}
	for _, e := range entries {
		if err := t.l.st.Interrupted(); err != nil {
			return err
		}
		if skip[e.name] {
			continue
		}
		s, d := posixpath.Join(src, e.name), posixpath.Join(dst, e.name)
		if err := t.copyEntry(s, d, e, above); err != nil {
			if errors.Is(err, luaerr.ErrInterrupted) {
				return err
			}
			t.record(s, d, err)
		}
	}
	if err := t.copyStat(&sst, dst); err != nil {
		t.record(src, dst, err)
	}
	return nil
}

// copyEntry copies one entry of a directory.
func (t *treeCopy) copyEntry(src, dst string, e entry, above []dirID) error {
	p := t.l.st.Policy
	switch e.mode {
	case inherit.ModeLink:
		if t.symlinks {
			target, err := p.Readlink(src)
			if err != nil {
				return err
			}
			return p.Symlink(target, dst)
		}
		if st, err := p.Stat(src, true); err == nil && st.IsDir() {
			return t.copy(src, dst, above)
		}
		return t.l.copyFile(src, dst, withStat)
	case inherit.ModeDir:
		return t.copy(src, dst, above)
	}
	return t.l.copyFile(src, dst, withStat)
}

// record keeps an error of the copy of src to dst.
func (t *treeCopy) record(src, dst string, err error) {
	if oe, ok := err.(*opError); ok {
		t.errs = append(t.errs, oe)
		return
	}
	t.errs = append(t.errs, &opError{op: "copytree", src: src, dst: dst, cause: err})
}

// copyStat gives the directory dst the times and permission bits of st,
// as Python's copystat does at the end of each directory.
func (t *treeCopy) copyStat(st *inherit.FileStat, dst string) error {
	p := t.l.st.Policy
	if err := p.Utime(dst, inherit.FileTimes{Atime: st.Atime, Mtime: st.Mtime}); err != nil {
		return err
	}
	return p.Chmod(dst, st.Perm())
}
