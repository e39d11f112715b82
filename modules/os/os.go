// Package os extends Lua's os library with descriptor-level calls in the
// manner of Python's os module. Every descriptor it creates is
// non-inheritable from the moment it exists; os.dup2 with inheritable
// left true is the one way to make an inheritable copy.
//
//	os.open(path, flags [, mode])       fd; flags: sum of os.O_*, or "r" "w" "a" "r+" "w+" "a+" with "x"
//	os.close(fd)                        true
//	os.read(fd, n)                      string; "" at end of file
//	os.write(fd, s)                     bytes written
//	os.lseek(fd, offset, whence)        new position; whence "set", "cur" or "end"
//	os.pipe()                           rfd, wfd
//	os.dup(fd)                          newfd
//	os.dup2(fd, fd2 [, inheritable])    fd2; inheritable defaults to true
//	os.get_inheritable(fd)              boolean
//	os.set_inheritable(fd, inheritable) true
//	os.openpty()                        master, slave
//	os.fdopen(fd [, mode])              a file object that owns fd
//	os.fds()                            {fd=, inheritable=, kind=, target=} for each open descriptor
//	os.getpid()                         the process ID
//	os.O_RDONLY ... os.O_CLOEXEC        open flags
//	os.errno                            errno names to numbers, and numbers to names
//
// Lua 5.1's functions stay; os.execute runs its command with only
// descriptors 0, 1 and 2, os.tmpname creates its file exclusively, and
// os.remove, os.rename and os.exit report real errnos and end the script
// (not the embedding process) respectively.
//
// A failing call returns nil, message, errno; misuse raises an error.
package os

import (
	"errors"
	goio "io"
	"io/fs"
	goos "os"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	"github.com/safesh/safesh/internal/strmem"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// lib is the os module of one runtime.
type lib struct {
	st     *state.State
	buf    []byte      // os.read's buffer for reads of up to 64 KiB
	filled bool        // os.read's last read of 4 KiB or more filled half its request
	scanMT *lua.LTable // the metatable of os.scandir's handles
}

// globalOs returns the global os table, which the runtime has filled with
// gopher-lua's own functions first.
func globalOs(L *lua.LState) *lua.LTable {
	mod, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		mod = L.NewTable()
		L.SetGlobal("os", mod)
	}
	return mod
}

// OpenLua51 replaces the functions of Lua 5.1's own os library that reach
// the system (execute, exit, getenv, remove, rename, tmpname, clock,
// setenv) with safesh's, which go through the runtime's policy. The
// runtime calls it whether or not the os module is granted: gopher-lua's
// versions would start a shell, touch files and read the environment
// outside any policy, and its os.exit would end the host process.
func OpenLua51(L *lua.LState) {
	l := &lib{st: state.Get(L)}
	l.openLua51(L, globalOs(L))
}

func (l *lib) openLua51(L *lua.LState, mod *lua.LTable) {
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"execute":   l.execute,
		"exit":      l.exit,
		"remove":    l.remove,
		"rename":    l.rename,
		"getenv":    l.getenv,
		"tmpname":   l.tmpname,
		"date":      l.date,
		"setlocale": l.setlocale,
	})
	if clock := clockFunc(); clock != nil {
		mod.RawSetString("clock", L.NewFunction(clock))
	}
	if !l.st.Policy.Unrestricted() {
		// gopher-lua's os.setenv would change the host's environment.
		mod.RawSetString("setenv", lua.LNil)
	}
}

// Loader adds safesh's functions to the global os table (OpenLua51's,
// the descriptor calls, the file system, environment and process calls,
// and os.path) and returns it.
func Loader(L *lua.LState) int {
	l := &lib{st: state.Get(L)}
	mod := globalOs(L)
	l.openLua51(L, mod)
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"open":            l.open,
		"close":           l.close,
		"read":            l.read,
		"write":           l.write,
		"lseek":           l.lseek,
		"pipe":            l.pipe,
		"dup":             l.dup,
		"dup2":            l.dup2,
		"get_inheritable": l.getInheritable,
		"set_inheritable": l.setInheritable,
		"openpty":         l.openpty,
		"fdopen":          l.fdopen,
		"fds":             l.fds,
		"getpid":          osGetpid,
		"environ":         l.environ,
		"unsetenv":        l.unsetenv,
		"kill":            l.kill,
		"uname":           uname,
		"exec":            l.exec,
	})
	L.SetFuncs(mod, l.fsFuncs())
	for name, id := range ids {
		mod.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LNumber(id()))
			return 1
		}))
	}
	mod.RawSetString("path", l.pathTable(L))
	if !l.st.Policy.Unrestricted() {
		// Like setenv (see openLua51), it would change the host's.
		mod.RawSetString("unsetenv", lua.LNil)
	}
	for name, v := range openFlags {
		mod.RawSetString(name, lua.LNumber(v))
	}
	mod.RawSetString("errno", errnoTable(L))
	grants := L.CreateTable(0, len(l.st.GrantedFds))
	for name, fd := range l.st.GrantedFds {
		grants.RawSetString(name, lua.LNumber(fd))
	}
	mod.RawSetString("grants", grants)
	L.Push(mod)
	return 1
}

// fd returns argument n as a descriptor the script may use: in a
// restricted runtime, one it owns.
func (l *lib) fd(L *lua.LState, n int, op string) (int, error) {
	fd := luaargs.CheckFd(L, n)
	return fd, l.st.Usable(fd, op)
}

func (l *lib) open(L *lua.LState) int {
	path := luaargs.CheckString(L, 1)
	var flags int
	switch v := L.Get(2).(type) {
	case lua.LNumber:
		flags = luaargs.CheckInt(L, 2)
		if flags < 0 || flags&^knownFlags != 0 {
			luaargs.ArgError(L, 2, "invalid flags (a sum of os.O_* constants expected)")
		}
	case lua.LString:
		var ok bool
		if flags, _, _, ok = iomod.ParseMode(string(v)); !ok {
			luaargs.ArgError(L, 2, "invalid mode '"+string(v)+"'")
		}
	default:
		luaargs.TypeError(L, 2, "number or string")
	}
	mode := luaargs.OptInt(L, 3, 0o666)
	if mode < 0 || mode > 0o7777 {
		luaargs.ArgError(L, 3, "invalid mode")
	}
	fd, err := l.st.Open(path, flags, uint32(mode))
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.st.Fds.Add(fd, nil)
	L.Push(lua.LNumber(fd))
	return 1
}

func (l *lib) close(L *lua.LState) int {
	fd, err := l.fd(L, 1, "close")
	if err == nil {
		err = l.st.Fds.Close(fd)
	}
	if err != nil {
		// Name a descriptor that is not open: "close: fd 5: bad file
		// descriptor", so that a second close says which one it was. A
		// failed flush keeps its own message ("write: broken pipe").
		var errno syscall.Errno
		if errors.As(err, &errno) && errno == syscall.EBADF {
			err = &fs.PathError{Op: "close", Path: "fd " + strconv.Itoa(fd), Err: errno}
		}
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// maxRead bounds the buffer os.read allocates; like read(2), it may
// return fewer bytes than asked.
const maxRead = 16 << 20

func (l *lib) read(L *lua.LState) int {
	fd, err := l.fd(L, 1, "read")
	n := luaargs.CheckInt(L, 2)
	if n < 0 {
		luaargs.ArgError(L, 2, "count must be non-negative")
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if l.st.Interruptible() && l.st.Fds.Kind(fd).MayBlock() {
		if _, err := l.st.Wait(fd, false, -1); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	// A read that is likely to fill much of a large request goes
	// straight into the string's own memory (strmem): one allocation,
	// not zeroed, and no copy. Other reads go into a reused buffer, and
	// then a string of the exact size: nothing is allocated that the
	// read does not fill. The last read of 4 KiB or more says which a
	// read is likely to be.
	direct := n > 64<<10 || n >= 4<<10 && l.filled
	var buf []byte
	if direct {
		buf = strmem.Make(min(n, maxRead))
	} else {
		if l.buf == nil {
			l.buf = make([]byte, 64<<10)
		}
		buf = l.buf[:n]
	}
	got, err := inherit.Read(fd, buf)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if n >= 4<<10 {
		l.filled = got >= len(buf)/2
	}
	if direct {
		L.Push(lua.LString(strmem.String(buf[:got])))
	} else {
		L.Push(lua.LString(buf[:got]))
	}
	return 1
}

func (l *lib) write(L *lua.LState) int {
	fd, err := l.fd(L, 1, "write")
	s := luaargs.CheckString(L, 2)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	kind := l.st.Fds.Kind(fd)
	if kind == inherit.KindSocket {
		if err := inherit.CheckAutobind(fd, "write"); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	p := unsafe.Slice(unsafe.StringData(s), len(s))
	var n int
	if l.st.Interruptible() && kind.MayBlock() {
		// One write(2) could wait in the kernel for a reader, where a
		// cancel cannot reach it: write all, waiting interruptibly.
		n, err = l.st.WriteAll(fd, p, kind)
	} else {
		n, err = inherit.Write(fd, p)
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

var whences = map[string]int{"set": goio.SeekStart, "cur": goio.SeekCurrent, "end": goio.SeekEnd}

func (l *lib) lseek(L *lua.LState) int {
	fd, err := l.fd(L, 1, "lseek")
	offset := luaargs.CheckInt(L, 2)
	whence := whences[luaargs.CheckOption(L, 3, "", "set", "cur", "end")]
	if err != nil {
		return luaerr.PushError(L, err)
	}
	pos, err := inherit.Seek(fd, int64(offset), whence)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func (l *lib) pipe(L *lua.LState) int {
	if err := l.st.ReserveFds(2); err != nil {
		return luaerr.PushError(L, err)
	}
	r, w, err := inherit.Pipe()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.st.Fds.Add(r, nil)
	l.st.Fds.Add(w, nil)
	L.Push(lua.LNumber(r))
	L.Push(lua.LNumber(w))
	return 2
}

func (l *lib) dup(L *lua.LState) int {
	fd, err := l.fd(L, 1, "dup")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if err := l.st.ReserveFds(1); err != nil {
		return luaerr.PushError(L, err)
	}
	nfd, err := inherit.Dup(fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.st.Fds.Add(nfd, nil)
	L.Push(lua.LNumber(nfd))
	return 1
}

func (l *lib) dup2(L *lua.LState) int {
	fd, err := l.fd(L, 1, "dup2")
	fd2 := luaargs.CheckFd(L, 2)
	inheritable := luaargs.OptBool(L, 3, true)
	if err == nil {
		err = l.st.Usable(fd2, "dup2")
	}
	if err == nil {
		err = inherit.Dup2(fd, fd2, inheritable)
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if fd2 > 2 && !l.st.Fds.Has(fd2) {
		l.st.Fds.Add(fd2, nil)
	}
	L.Push(lua.LNumber(fd2))
	return 1
}

func (l *lib) getInheritable(L *lua.LState) int {
	fd, err := l.fd(L, 1, "get_inheritable")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	inh, err := inherit.Inheritable(fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LBool(inh))
	return 1
}

func (l *lib) setInheritable(L *lua.LState) int {
	fd, err := l.fd(L, 1, "set_inheritable")
	inheritable := luaargs.CheckBool(L, 2)
	if err == nil {
		err = inherit.SetInheritable(fd, inheritable)
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) openpty(L *lua.LState) int {
	if err := l.st.ReserveFds(2); err != nil {
		return luaerr.PushError(L, err)
	}
	m, s, err := inherit.Openpty()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	l.st.Fds.Add(m, nil)
	l.st.Fds.Add(s, nil)
	L.Push(lua.LNumber(m))
	L.Push(lua.LNumber(s))
	return 2
}

func (l *lib) fdopen(L *lua.LState) int {
	fd, err := l.fd(L, 1, "fdopen")
	mode := luaargs.OptString(L, 2, "r")
	_, readable, writable, ok := iomod.ParseMode(mode)
	if !ok {
		luaargs.ArgError(L, 2, "invalid mode '"+mode+"'")
	}
	if err == nil {
		if owner, _ := l.st.Fds.Owner(fd); owner != nil {
			err = goos.NewSyscallError("fdopen", syscall.EBUSY) // already owned by another object
		} else if _, err = inherit.Inheritable(fd); err != nil {
			err = goos.NewSyscallError("fdopen", syscall.EBADF)
		}
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(iomod.NewFile(L, fd, "fd "+lua.LNumber(fd).String(), readable, writable))
	return 1
}

func (l *lib) fds(L *lua.LState) int {
	infos, err := inherit.ListFds()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	t := L.CreateTable(len(infos), 0)
	for _, info := range infos {
		if !l.st.Visible(info.Fd) {
			continue
		}
		e := L.CreateTable(0, 4)
		e.RawSetString("fd", lua.LNumber(info.Fd))
		e.RawSetString("inheritable", lua.LBool(info.Inheritable))
		e.RawSetString("kind", lua.LString(info.Kind))
		e.RawSetString("target", lua.LString(info.Target))
		t.Append(e)
	}
	L.Push(t)
	return 1
}

// getenv is Lua's os.getenv; a restricted runtime sees only the variables
// its host allowed.
func (l *lib) getenv(L *lua.LState) int {
	v, ok := l.st.Policy.Getenv(luaargs.CheckString(L, 1))
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LString(v))
	return 1
}

func osGetpid(L *lua.LState) int {
	L.Push(lua.LNumber(goos.Getpid()))
	return 1
}

func (l *lib) remove(L *lua.LState) int {
	path := luaargs.CheckString(L, 1)
	if err := l.st.Policy.Remove(path); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) rename(L *lua.LState) int {
	from, to := luaargs.CheckString(L, 1), luaargs.CheckString(L, 2)
	if err := l.st.Policy.Rename(from, to); err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) exit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LBool:
		if !v {
			code = 1
		}
	default:
		code = luaargs.CheckInt(L, 1)
	}
	l.st.FlushAll() // what cannot be written is reported when the chunk ends
	if l.st.Exit == nil {
		L.RaiseError("os.exit: not available in this runtime")
	}
	l.st.Exit(L, code)
	return 0
}

// tmpname creates an empty file with a new name in the temporary
// directory, exclusively (O_EXCL), and returns its name, as Lua 5.1 does
// with mkstemp on POSIX. The descriptor used is closed at once.
func (l *lib) tmpname(L *lua.LState) int {
	fd, name, err := l.st.Policy.CreateTemp("lua_")
	if err != nil {
		return luaerr.PushError(L, err)
	}
	inherit.Close(fd)
	L.Push(lua.LString(name))
	return 1
}
