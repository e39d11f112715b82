package shutil

import (
	"errors"
	"strings"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/posixpath"
	lua "github.com/yuin/gopher-lua"
)

// move is shutil.move(src, dst): it moves src to dst, or into dst if dst
// is a directory, and returns where it went. It renames; across file
// systems (EXDEV) it copies and removes instead, as Python's does: a link
// as a link, a directory with copytree (links as links) and rmtree, a
// file with copy2 and unlink.
func (l *lib) move(L *lua.LState) int {
	src, dst := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	real, err := l.moveTo(L, src, dst)
	if err != nil {
		return pushOpError(L, "move", src, dst, err)
	}
	L.Push(lua.LString(real))
	return 1
}

func (l *lib) moveTo(L *lua.LState, src, dst string) (string, error) {
	p := l.st.Policy
	real := dst
	if dstat, err := p.Stat(dst, true); err == nil && dstat.IsDir() {
		if sst, err := p.Stat(src, true); err == nil && sst.SameFile(&dstat) {
			return dst, p.Rename(src, dst) // one directory under two names
		}
		real = posixpath.Join(dst, posixpath.Basename(strings.TrimRight(src, "/")))
		if _, err := p.Stat(real, false); err == nil {
			return "", fail{"destination path " + real + " already exists", syscall.EEXIST}
		}
	}
	err := p.Rename(src, real)
	if errors.Is(err, syscall.EINVAL) && inside(l, src, dst) {
		return "", fail{"cannot move a directory into itself", syscall.EINVAL}
	}
	if err == nil || !errors.Is(err, syscall.EXDEV) {
		return real, err
	}
	sst, err := p.Stat(src, false)
	if err != nil {
		return "", err
	}
	switch {
	case sst.IsLink():
		target, err := p.Readlink(src)
		if err == nil {
			err = p.Symlink(target, real)
		}
		if err == nil {
			err = p.Unlink(src)
		}
		return real, err
	case sst.IsDir():
		if inside(l, src, dst) {
			return "", fail{"cannot move a directory into itself", syscall.EINVAL}
		}
		t := &treeCopy{l: l, L: L, symlinks: true}
		if err := t.copy(src, real, nil); err != nil {
			return "", err
		}
		if len(t.errs) > 0 {
			return "", t.errs[0]
		}
		r := &rmTree{l: l, L: L}
		if err := r.top(src); err != nil {
			return "", err
		}
		return real, r.first
	}
	if err := l.copyFile(src, real, withStat); err != nil {
		return "", err
	}
	return real, p.Unlink(src)
}

// inside reports whether dst is src or beneath it, as Python's
// shutil._destinsrc: by their absolute paths.
func inside(l *lib, src, dst string) bool {
	wd, err := l.st.Policy.Getcwd()
	if err != nil {
		wd = "/"
	}
	s, d := posixpath.Abs(src, wd), posixpath.Abs(dst, wd)
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	if !strings.HasSuffix(d, "/") {
		d += "/"
	}
	return strings.HasPrefix(d, s)
}

// which is shutil.which(cmd [, path]): the first file named cmd in the
// directories of path (default $PATH, or /bin:/usr/bin where it is unset)
// that is executable and not a directory, as Python's; nil if none is. A
// cmd with a slash is checked alone. In a restricted runtime a file
// counts if it can be reached through the grants, or if it is a program
// the host allows scripts to run.
func (l *lib) which(L *lua.LState) int {
	cmd := luaargs.CheckPath(L, 1)
	var path string
	if L.Get(2) != lua.LNil {
		path = luaargs.CheckString(L, 2)
	} else if v, ok := l.st.Policy.Getenv("PATH"); ok {
		path = v
	} else {
		path = "/bin:/usr/bin" // confstr(_CS_PATH)
	}
	if posixpath.Dirname(cmd) != "" {
		if l.executable(cmd) {
			L.Push(lua.LString(cmd))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}
	if path == "" {
		L.Push(lua.LNil)
		return 1
	}
	seen := map[string]bool{}
	for _, dir := range strings.Split(path, ":") {
		if seen[dir] {
			continue
		}
		seen[dir] = true
		if name := posixpath.Join(dir, cmd); l.executable(name) {
			L.Push(lua.LString(name))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

// executable reports whether the file at name exists, may be executed,
// and is not a directory.
func (l *lib) executable(name string) bool {
	p := l.st.Policy
	if st, err := p.Stat(name, true); err == nil {
		return !st.IsDir() && p.Access(name, inherit.AccessExecute)
	}
	if !posixpath.IsAbs(name) || p.Program(name) != nil {
		return false
	}
	// A program the host allows, outside the grants: checked as a child
	// would find it (spawn does the same).
	st, err := inherit.Stat(name, true)
	return err == nil && !st.IsDir() && inherit.Access(name, inherit.AccessExecute)
}

// diskUsage is shutil.disk_usage(path): {total=, used=, free=} in bytes
// for the file system that holds path; free is what an unprivileged user
// may use.
func (l *lib) diskUsage(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	fd, err := l.st.Policy.Open(path, inherit.OHandle, 0)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	defer inherit.Close(fd)
	du, err := inherit.GetDiskUsage(fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	t := L.CreateTable(0, 3)
	t.RawSetString("total", lua.LNumber(du.Total))
	t.RawSetString("used", lua.LNumber(du.Used))
	t.RawSetString("free", lua.LNumber(du.Free))
	L.Push(t)
	return 1
}
