package os

import (
	"math"
	"strings"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/policy"
	"github.com/safesh/safesh/internal/posixpath"
	lua "github.com/yuin/gopher-lua"
)

// fsFuncs are the file system functions of os.
func (l *lib) fsFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"getcwd":   l.getcwd,
		"chdir":    l.chdir,
		"listdir":  l.listdir,
		"scandir":  l.scandir,
		"stat":     l.stat,
		"lstat":    l.lstat,
		"mkdir":    l.mkdir,
		"makedirs": l.makedirs,
		"rmdir":    l.rmdir,
		"unlink":   l.unlink,
		"replace":  l.replace,
		"symlink":  l.symlink,
		"readlink": l.readlink,
		"link":     l.link,
		"chmod":    l.chmod,
		"chown":    l.chown,
		"utime":    l.utime,
		"truncate": l.truncate,
		"access":   l.access,
		"realpath": l.realpath,
		"umask":    l.umask,
		"glob":     l.glob,
	}
}

// ok pushes true, or nil, message, errno for err.
func ok(L *lua.LState, err error) int {
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// checkPerm returns argument n, a mode of permission bits (0 to 0o7777),
// or def when it is nil or absent.
func checkPerm(L *lua.LState, n int, def int) uint32 {
	mode := luaargs.OptInt(L, n, def)
	if mode < 0 || mode > 0o7777 {
		luaargs.ArgError(L, n, "invalid mode (permission bits, 0 to 4095, expected)")
	}
	return uint32(mode)
}

// fileArg is a path, or a descriptor (a number, a file or a socket).
type fileArg struct {
	path string
	fd   int // -1 for a path
}

// checkFileArg returns argument n as a path or as a descriptor the script
// may use for op (err says why not).
func (l *lib) checkFileArg(L *lua.LState, n int, op string) (fileArg, error) {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return fileArg{path: luaargs.CheckPath(L, n), fd: -1}, nil
	case lua.LNumber:
		fd := luaargs.CheckFd(L, n)
		return fileArg{fd: fd}, l.st.Usable(fd, op)
	case *lua.LUserData:
		fd, isDesc := luaargs.FdOf(v)
		if !isDesc {
			break
		}
		if fd < 0 {
			luaargs.ArgError(L, n, "attempt to use a closed file")
		}
		return fileArg{fd: fd}, l.st.Usable(fd, op)
	}
	luaargs.TypeError(L, n, "path, fd or file")
	return fileArg{}, nil
}

// The stat table's type names, made once (as interface values, so that
// setting one in a table allocates nothing).
var typeNames = func() map[uint32]lua.LValue {
	m := map[uint32]lua.LValue{}
	for _, mode := range []uint32{0, inherit.ModeFile, inherit.ModeDir, inherit.ModeLink, inherit.ModeFifo,
		inherit.ModeSocket, inherit.ModeChar, inherit.ModeBlock} {
		m[mode] = lua.LString(inherit.TypeName(mode))
	}
	return m
}()

func typeName(mode uint32) lua.LValue {
	if s, ok := typeNames[mode&inherit.ModeType]; ok {
		return s
	}
	return typeNames[0]
}

// seconds converts nanoseconds since the epoch to seconds, as Lua's
// number: whole seconds plus the fraction, as Python's st_mtime, so that
// a time set to 1234567890.25 reads back as that number.
func seconds(ns int64) lua.LNumber {
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	return lua.LNumber(float64(sec) + float64(frac)/1e9)
}

// nanoseconds converts seconds to nanoseconds since the epoch: the whole
// seconds and the fraction apart, as Python's os.utime, so that no
// nanosecond is lost to a float's precision.
func nanoseconds(s float64) int64 {
	sec := math.Floor(s)
	frac := math.Round((s - sec) * 1e9)
	return int64(sec)*1e9 + int64(frac)
}

// pushStat pushes the table os.stat returns.
func pushStat(L *lua.LState, st *inherit.FileStat) int {
	t := L.CreateTable(0, 12)
	t.RawSetString("type", typeName(st.Mode))
	t.RawSetString("mode", lua.LNumber(st.Mode))
	t.RawSetString("perm", lua.LNumber(st.Mode&0o7777))
	t.RawSetString("size", lua.LNumber(st.Size))
	t.RawSetString("ino", lua.LNumber(st.Ino))
	t.RawSetString("dev", lua.LNumber(st.Dev))
	t.RawSetString("nlink", lua.LNumber(st.Nlink))
	t.RawSetString("uid", lua.LNumber(st.Uid))
	t.RawSetString("gid", lua.LNumber(st.Gid))
	t.RawSetString("atime", seconds(st.Atime))
	t.RawSetString("mtime", seconds(st.Mtime))
	t.RawSetString("ctime", seconds(st.Ctime))
	L.Push(t)
	return 1
}

func (l *lib) getcwd(L *lua.LState) int {
	wd, err := l.st.Policy.Getcwd()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LString(wd))
	return 1
}

func (l *lib) chdir(L *lua.LState) int {
	return ok(L, l.st.Policy.Chdir(luaargs.CheckPath(L, 1)))
}

// stat is os.stat(path | fd | file [, follow_symlinks]).
func (l *lib) stat(L *lua.LState) int {
	arg, err := l.checkFileArg(L, 1, "fstat")
	follow := luaargs.OptBool(L, 2, true)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	var st inherit.FileStat
	if arg.fd >= 0 {
		st, err = inherit.Fstat(arg.fd)
	} else {
		st, err = l.st.Policy.Stat(arg.path, follow)
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	return pushStat(L, &st)
}

func (l *lib) lstat(L *lua.LState) int {
	st, err := l.st.Policy.Stat(luaargs.CheckPath(L, 1), false)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	return pushStat(L, &st)
}

func (l *lib) mkdir(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	return ok(L, l.st.Policy.Mkdir(path, checkPerm(L, 2, 0o777)))
}

// makedirs is os.makedirs(path [, mode [, exist_ok]]), as Python's: the
// missing parents are made with mode 0777 (before the umask), path itself
// with mode; an existing directory is an error unless exist_ok.
func (l *lib) makedirs(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	mode := checkPerm(L, 2, 0o777)
	existOK := luaargs.OptBool(L, 3, false)
	return ok(L, policy.MakeDirs(l.st.Policy, path, mode, existOK))
}

func (l *lib) rmdir(L *lua.LState) int {
	return ok(L, l.st.Policy.Rmdir(luaargs.CheckPath(L, 1)))
}

func (l *lib) unlink(L *lua.LState) int {
	return ok(L, l.st.Policy.Unlink(luaargs.CheckPath(L, 1)))
}

// replace is os.replace(src, dst): rename(2), which replaces dst.
func (l *lib) replace(L *lua.LState) int {
	src, dst := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	return ok(L, l.st.Policy.Rename(src, dst))
}

func (l *lib) symlink(L *lua.LState) int {
	target, link := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	return ok(L, l.st.Policy.Symlink(target, link))
}

func (l *lib) readlink(L *lua.LState) int {
	target, err := l.st.Policy.Readlink(luaargs.CheckPath(L, 1))
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LString(target))
	return 1
}

func (l *lib) link(L *lua.LState) int {
	src, dst := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	return ok(L, l.st.Policy.Link(src, dst))
}

// chmod is os.chmod(path | fd | file, mode).
func (l *lib) chmod(L *lua.LState) int {
	arg, err := l.checkFileArg(L, 1, "fchmod")
	if L.Get(2) == lua.LNil {
		luaargs.TypeError(L, 2, "number")
	}
	mode := checkPerm(L, 2, 0)
	return l.change(L, arg, err, "fchmod",
		func(path string) error { return l.st.Policy.Chmod(path, mode) },
		func(fd int) error { return inherit.Fchmod(fd, l.st.Policy.FileMode(mode)) })
}

// change pushes the result of a call that changes a file: onPath for a
// path, onFd for a descriptor whose file the policy lets the script
// change (op names the call). argErr is checkFileArg's refusal.
func (l *lib) change(L *lua.LState, arg fileArg, argErr error, op string, onPath func(string) error, onFd func(int) error) int {
	if argErr != nil {
		return luaerr.PushError(L, argErr)
	}
	if arg.fd < 0 {
		return ok(L, onPath(arg.path))
	}
	if err := l.st.Policy.ChangeFd(arg.fd, op); err != nil {
		return luaerr.PushError(L, err)
	}
	return ok(L, onFd(arg.fd))
}

// checkID returns argument n as a user or group ID, or -1 (unchanged).
func checkID(L *lua.LState, n int) int {
	id := luaargs.CheckInt(L, n)
	if id < -1 || id > math.MaxUint32-1 {
		luaargs.ArgError(L, n, "invalid id")
	}
	return id
}

// chown is os.chown(path | fd | file, uid, gid).
func (l *lib) chown(L *lua.LState) int {
	arg, err := l.checkFileArg(L, 1, "fchown")
	uid, gid := checkID(L, 2), checkID(L, 3)
	return l.change(L, arg, err, "fchown",
		func(path string) error { return l.st.Policy.Chown(path, uid, gid) },
		func(fd int) error { return inherit.Fchown(fd, uid, gid) })
}

// checkTimes returns arguments n and n+1, the access and modification
// times in seconds, both or neither (the current time).
func checkTimes(L *lua.LState, n int) inherit.FileTimes {
	if L.Get(n) == lua.LNil && L.Get(n+1) == lua.LNil {
		return inherit.FileTimes{Now: true}
	}
	var ns [2]int64
	for i := range ns {
		if L.Get(n+i) == lua.LNil {
			luaargs.ArgError(L, n+i, "number expected (give both times, or neither)")
		}
		s := luaargs.CheckNumber(L, n+i)
		if math.IsNaN(s) || math.Abs(s) > 9e9 {
			luaargs.ArgError(L, n+i, "time out of range")
		}
		ns[i] = nanoseconds(s)
	}
	return inherit.FileTimes{Atime: ns[0], Mtime: ns[1]}
}

// utime is os.utime(path [, atime, mtime]).
func (l *lib) utime(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	return ok(L, l.st.Policy.Utime(path, checkTimes(L, 2)))
}

// truncate is os.truncate(path | fd | file, size).
func (l *lib) truncate(L *lua.LState) int {
	arg, err := l.checkFileArg(L, 1, "ftruncate")
	size := int64(luaargs.CheckInt(L, 2))
	if size < 0 {
		luaargs.ArgError(L, 2, "size must be non-negative")
	}
	return l.change(L, arg, err, "ftruncate",
		func(path string) error { return l.st.Policy.Truncate(path, size) },
		func(fd int) error { return inherit.Ftruncate(fd, size) })
}

// access is os.access(path, mode): mode is "f" (exists), or any of "r",
// "w", "x".
func (l *lib) access(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	spec := luaargs.CheckString(L, 2)
	var mode uint32
	if spec != "f" {
		for _, c := range spec {
			switch c {
			case 'r':
				mode |= inherit.AccessRead
			case 'w':
				mode |= inherit.AccessWrite
			case 'x':
				mode |= inherit.AccessExecute
			default:
				luaargs.ArgError(L, 2, "invalid mode '"+spec+"' (\"f\", or any of \"r\", \"w\", \"x\")")
			}
		}
		if spec == "" {
			luaargs.ArgError(L, 2, "invalid mode '' (\"f\", or any of \"r\", \"w\", \"x\")")
		}
	}
	L.Push(lua.LBool(l.st.Policy.Access(path, mode)))
	return 1
}

// realpath is os.realpath(path): path made absolute with every symbolic
// link resolved, as Python's os.path.realpath (not strict: what does not
// exist is kept as written, and a loop of links is left unresolved).
func (l *lib) realpath(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	resolved, _, err := l.joinRealpath("", path, map[string]*string{})
	if err == nil {
		resolved, err = l.abspath(resolved)
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LString(resolved))
	return 1
}

// joinRealpath is posixpath._joinrealpath: it joins rest to path, already
// resolved, resolving the links rest goes through.
func (l *lib) joinRealpath(path, rest string, seen map[string]*string) (string, bool, error) {
	if strings.HasPrefix(rest, "/") {
		rest, path = rest[1:], "/"
	}
	for rest != "" {
		var name string
		name, rest, _ = strings.Cut(rest, "/")
		switch name {
		case "", ".":
			continue
		case "..":
			if path == "" {
				path = ".."
				continue
			}
			var last string
			path, last = posixpath.Split(path)
			if last == ".." {
				path = posixpath.Join(path, "..", "..")
			}
			continue
		}
		newpath := posixpath.Join(path, name)
		st, err := l.st.Policy.Stat(newpath, false)
		if err != nil || !st.IsLink() {
			path = newpath
			continue
		}
		if resolved, found := seen[newpath]; found {
			if resolved != nil {
				path = *resolved
				continue
			}
			return posixpath.Join(newpath, rest), false, nil // a loop
		}
		seen[newpath] = nil
		target, err := l.st.Policy.Readlink(newpath)
		if err != nil {
			return "", false, err
		}
		var done bool
		path, done, err = l.joinRealpath(path, target, seen)
		if err != nil {
			return "", false, err
		}
		if !done {
			return posixpath.Join(path, rest), false, nil
		}
		resolved := path
		seen[newpath] = &resolved
	}
	return path, true, nil
}

// umask is os.umask(mask): it sets the mask and returns the one before.
func (l *lib) umask(L *lua.LState) int {
	mask := luaargs.CheckInt(L, 1)
	if mask < 0 || mask > 0o777 {
		luaargs.ArgError(L, 1, "invalid mask (0 to 511 expected)")
	}
	old, err := l.st.Policy.Umask(mask)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(old))
	return 1
}
