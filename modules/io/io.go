// Package io is safesh's io module: the whole of Lua 5.1's io library
// (reference manual §5.7), where every file is non-inheritable from the
// moment it is opened, errors carry the real errno, and files add fileno,
// get_inheritable and set_inheritable.
//
//	io.open(filename [, mode])     a file; mode as C's fopen, plus "x" (exclusive)
//	io.close([file])               closes file, or the default output
//	io.flush()                     flushes the default output
//	io.input([file | filename])    sets or returns the default input
//	io.output([file | filename])   sets or returns the default output
//	io.lines([filename])           iterates over lines; closes the file at the end
//	io.popen(prog [, mode])        runs prog with /bin/sh; a pipe to ("r") or from ("w") it
//	io.read(...)                   io.input():read(...)
//	io.tmpfile()                   an unnamed temporary file, removed when closed
//	io.type(obj)                   "file", "closed file" or nil
//	io.write(...)                  io.output():write(...)
//	io.stdin, io.stdout, io.stderr the standard files
//
// File methods: close, flush, lines, read ("*a", "*l", "*L", "*n", or a
// count), seek, setvbuf, write, fileno, get_inheritable, set_inheritable.
package io

import (
	"fmt"
	goio "io"
	"os"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// TypeName is the name of the file metatable, as in C Lua.
const TypeName = "FILE*"

// lib is the io module of one runtime.
type lib struct {
	st              *state.State
	stdin, stdout   *lua.LUserData
	stderr          *lua.LUserData
	input, output   *lua.LUserData // the defaults
	methods, fileMT *lua.LTable
}

// Streams are the standard files of a runtime: each is either a
// descriptor or, for an embedding host, an io.Reader or io.Writer.
type Streams struct {
	Stdin  goio.Reader
	Stdout goio.Writer
	Stderr goio.Writer
}

// Open installs the file type and the standard files in L, and replaces
// the global print so that it writes through io.stdout's buffer, as C Lua's
// print shares stdout with io.write. A nil stream in s means the process's
// own descriptor (0, 1 or 2). It must run once per runtime, before the io
// module is loaded.
func Open(L *lua.LState, s Streams) {
	st := state.Get(L)
	l := &lib{st: st}
	l.methods = L.NewTable()
	L.SetFuncs(l.methods, map[string]lua.LGFunction{
		"close":           l.fileClose,
		"flush":           l.fileFlush,
		"lines":           l.fileLines,
		"read":            l.fileRead,
		"seek":            l.fileSeek,
		"setvbuf":         l.fileSetvbuf,
		"write":           l.fileWrite,
		"fileno":          l.fileFileno,
		"get_inheritable": l.fileGetInheritable,
		"set_inheritable": l.fileSetInheritable,
	})
	l.fileMT = L.NewTypeMetatable(TypeName)
	l.fileMT.RawSetString("__index", l.methods)
	l.fileMT.RawSetString("__tostring", L.NewFunction(fileToString))

	stdin := l.stdFile(L, 0, "stdin", s.Stdin, nil)
	stdout := l.stdFile(L, 1, "stdout", nil, s.Stdout)
	stderr := l.stdFile(L, 2, "stderr", nil, s.Stderr)
	stdoutFile := stdout.Value.(*File)
	if s.Stdout == nil && !inherit.IsTerminal(1) {
		stdoutFile.mode = bufFull
	} else {
		stdoutFile.mode = bufLine
	}
	stderr.Value.(*File).mode = bufNone
	l.stdin, l.stdout, l.stderr = stdin, stdout, stderr
	l.input, l.output = stdin, stdout
	st.Stdout, st.Stderr = stdoutFile, stderr.Value.(*File)
	for i, ud := range []*lua.LUserData{stdin, stdout, stderr} {
		f := ud.Value.(*File)
		st.Stdio[i] = state.StdStream{Fd: f.fd}
		if f.reader != nil {
			st.Stdio[i].Stream = f.reader
		} else if f.writer != nil {
			st.Stdio[i].Stream = f.writer
		}
	}
	L.SetGlobal("print", L.NewFunction(l.print))
	L.SetField(L.Get(lua.RegistryIndex), registryKey, &lua.LUserData{Value: l})
}

const registryKey = "safesh.io"

func getLib(L *lua.LState) *lib {
	if ud, ok := L.GetField(L.Get(lua.RegistryIndex), registryKey).(*lua.LUserData); ok {
		if l, ok := ud.Value.(*lib); ok {
			return l
		}
	}
	panic("io: Open was not called for this Lua state")
}

func (l *lib) stdFile(L *lua.LState, fd int, name string, r goio.Reader, w goio.Writer) *lua.LUserData {
	var f *File
	if r == nil && w == nil {
		f = newFile(l.st, fd, name, fd == 0, fd != 0)
	} else {
		if w != nil {
			// The io file and the relays of children write to w from
			// different goroutines: serialize them.
			w = &lockedWriter{w: w}
		}
		f = &File{&file{st: l.st, fd: -1, name: name, readable: r != nil, writable: w != nil, size: defaultBufSize, reader: r, writer: w}}
		if osf, ok := r.(*os.File); ok {
			f.fd, f.reader = int(osf.Fd()), nil
		}
		if lw, ok := w.(*lockedWriter); ok {
			if osf, ok := lw.w.(*os.File); ok {
				f.fd, f.writer = int(osf.Fd()), nil
			}
		}
		f.setKind()
	}
	f.std = true
	return l.userdata(L, f)
}

func (l *lib) userdata(L *lua.LState, f *File) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = f
	ud.Metatable = l.fileMT
	return ud
}

// NewFile returns a Lua file object that owns fd, registered in the
// runtime's descriptor table. name is shown by tostring. Other modules use
// it for os.fdopen and the pipes of subprocess.
func NewFile(L *lua.LState, fd int, name string, readable, writable bool) *lua.LUserData {
	l := getLib(L)
	f := newFile(l.st, fd, name, readable, writable)
	f.own()
	return l.userdata(L, f)
}

// FileOf returns the File in v, if v is a file object.
func FileOf(v lua.LValue) (*File, bool) {
	if ud, ok := v.(*lua.LUserData); ok {
		f, ok := ud.Value.(*File)
		return f, ok
	}
	return nil, false
}

// SetOnClose sets what closing f does after its descriptor is closed: it
// returns the extra results of close. io.popen and subprocess use it to
// wait for the child.
func (f *File) SetOnClose(fn func() (extra []any, err error)) { f.onClose = fn }

// Loader is the io module's loader: it returns the io table.
func Loader(L *lua.LState) int {
	l := getLib(L)
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"close":   l.ioClose,
		"flush":   l.ioFlush,
		"input":   l.ioInput,
		"lines":   l.ioLines,
		"open":    l.ioOpen,
		"output":  l.ioOutput,
		"popen":   l.ioPopen,
		"read":    l.ioRead,
		"tmpfile": l.ioTmpfile,
		"type":    l.ioType,
		"write":   l.ioWrite,
	})
	mod.RawSetString("stdin", l.stdin)
	mod.RawSetString("stdout", l.stdout)
	mod.RawSetString("stderr", l.stderr)
	L.Push(mod)
	return 1
}

// checkFile returns argument n as an open file.
func checkFile(L *lua.LState, n int) *File {
	f, ok := FileOf(L.Get(n))
	if !ok {
		luaargs.TypeError(L, n, TypeName)
	}
	if f.Closed() {
		L.RaiseError("attempt to use a closed file")
	}
	return f
}

func fileToString(L *lua.LState) int {
	f, ok := FileOf(L.Get(1))
	switch {
	case !ok:
		luaargs.TypeError(L, 1, TypeName)
	case f.Closed():
		L.Push(lua.LString("file (closed)"))
	default:
		L.Push(lua.LString(fmt.Sprintf("file (%p)", f)))
	}
	return 1
}

// pushResult pushes true, or nil, message, errno.
func pushResult(L *lua.LState, err error) int {
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// closeFile implements file:close() and io.close(file).
func (l *lib) closeFile(L *lua.LState, f *File) int {
	if f.Closed() {
		L.Push(lua.LTrue)
		return 1
	}
	if f.std {
		L.Push(lua.LNil)
		L.Push(lua.LString("cannot close standard file"))
		L.Push(lua.LNumber(syscall.EBADF))
		return 3
	}
	extra, err := f.Close()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LTrue)
	for _, v := range extra {
		switch v := v.(type) {
		case string:
			L.Push(lua.LString(v))
		case int:
			L.Push(lua.LNumber(v))
		}
	}
	return 1 + len(extra)
}

func (l *lib) fileClose(L *lua.LState) int { return l.closeFile(L, closableFile(L, 1)) }

// closableFile returns argument n as a file, open or closed: closing a
// closed file does nothing and returns true, as closing any object does
// (docs/conventions.md, "Closing twice"), where C Lua raises.
func closableFile(L *lua.LState, n int) *File {
	f, ok := FileOf(L.Get(n))
	if !ok {
		luaargs.TypeError(L, n, TypeName)
	}
	return f
}

func (l *lib) fileFlush(L *lua.LState) int { return pushResult(L, checkFile(L, 1).Flush()) }

func (l *lib) fileWrite(L *lua.LState) int {
	f := checkFile(L, 1)
	return l.write(L, f, 1, 2)
}

// write writes arguments from..top to f and returns f (Lua 5.2 style,
// truthy as Lua 5.1's true), or nil, message, errno. self is the stack
// index of the file to return, or 0 to return f's userdata found by value.
func (l *lib) write(L *lua.LState, f *File, self, from int) int {
	top := L.GetTop()
	for i := from; i <= top; i++ {
		var err error
		switch v := L.Get(i).(type) {
		case lua.LString:
			err = f.Write(unsafeBytes(string(v)))
		case lua.LNumber:
			err = f.Write([]byte(v.String()))
		default:
			luaargs.TypeError(L, i-from+1, "string")
		}
		if err != nil {
			return luaerr.PushError(L, err)
		}
	}
	if self > 0 {
		L.Push(L.Get(self))
	} else {
		L.Push(lua.LTrue)
	}
	return 1
}

func (l *lib) fileRead(L *lua.LState) int {
	return l.read(L, checkFile(L, 1), 2)
}

// read implements file:read and io.read: formats start at stack index
// from. It returns one value per format, stopping at the first that fails
// (nil); an I/O error gives nil, message, errno.
func (l *lib) read(L *lua.LState, f *File, from int) int {
	top := L.GetTop()
	if top < from {
		return l.readFormat(L, f, lua.LString("*l"), from)
	}
	for i := from; i <= top; i++ {
		n := l.readFormat(L, f, L.Get(i), i)
		if n != 1 {
			return n
		}
		if L.Get(-1) == lua.LNil {
			return i - from + 1
		}
	}
	return top - from + 1
}

// readFormat pushes one result for format fmt (argument n); it returns 1,
// or 3 after pushing nil, message, errno for an I/O error.
func (l *lib) readFormat(L *lua.LState, f *File, format lua.LValue, n int) int {
	var err error
	switch v := format.(type) {
	case lua.LNumber:
		count := int(v)
		if float64(v) != float64(count) || count < 0 {
			luaargs.ArgError(L, n, "invalid format")
		}
		var p []byte
		var own, ok bool
		p, own, ok, err = f.readN(count)
		if err == nil {
			if ok {
				L.Push(ownedString(p, own))
			} else {
				L.Push(lua.LNil)
			}
		}
	case lua.LString:
		s := string(v)
		if len(s) > 0 && s[0] == '*' {
			s = s[1:]
		}
		switch {
		case s != "" && s[0] == 'l', s != "" && s[0] == 'L':
			var line []byte
			var ok bool
			line, ok, err = f.readLine(s[0] == 'L')
			if err == nil {
				if ok {
					L.Push(lua.LString(string(line)))
				} else {
					L.Push(lua.LNil)
				}
			}
		case s != "" && s[0] == 'a':
			var all []byte
			all, err = f.readAll()
			if err == nil {
				L.Push(ownedString(all, true))
			}
		case s != "" && s[0] == 'n':
			var num float64
			var ok bool
			num, ok, err = f.readNumber()
			if err == nil {
				if ok {
					L.Push(lua.LNumber(num))
				} else {
					L.Push(lua.LNil)
				}
			}
		default:
			luaargs.ArgError(L, n, "invalid format")
		}
	default:
		luaargs.ArgError(L, n, "invalid format")
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	return 1
}

var whenceNames = map[string]int{"set": goio.SeekStart, "cur": goio.SeekCurrent, "end": goio.SeekEnd}

func (l *lib) fileSeek(L *lua.LState) int {
	f := checkFile(L, 1)
	whence := whenceNames[luaargs.CheckOption(L, 2, "cur", "set", "cur", "end")]
	offset := luaargs.OptInt(L, 3, 0)
	pos, err := f.Seek(int64(offset), whence)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func (l *lib) fileSetvbuf(L *lua.LState) int {
	f := checkFile(L, 1)
	mode := luaargs.CheckOption(L, 2, "", "no", "full", "line")
	size := luaargs.OptInt(L, 3, defaultBufSize)
	if size <= 0 {
		luaargs.ArgError(L, 3, "size must be positive")
	}
	if err := f.Flush(); err != nil {
		return luaerr.PushError(L, err)
	}
	f.mode = map[string]int{"no": bufNone, "full": bufFull, "line": bufLine}[mode]
	f.size = min(size, maxBufSize)
	L.Push(lua.LTrue)
	return 1
}

func (l *lib) fileFileno(L *lua.LState) int {
	f := checkFile(L, 1)
	if f.fd < 0 {
		L.Push(lua.LNil)
		L.Push(lua.LString("fileno: " + f.name + " is not backed by a descriptor"))
		L.Push(lua.LNumber(syscall.EBADF))
		return 3
	}
	L.Push(lua.LNumber(f.fd))
	return 1
}

func (l *lib) fileGetInheritable(L *lua.LState) int {
	f := checkFile(L, 1)
	inh, err := inherit.Inheritable(f.fd)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(lua.LBool(inh))
	return 1
}

func (l *lib) fileSetInheritable(L *lua.LState) int {
	f := checkFile(L, 1)
	return pushResult(L, inherit.SetInheritable(f.fd, luaargs.CheckBool(L, 2)))
}

// fileLines implements file:lines(): an iterator over the lines of the
// file, which is not closed at the end.
func (l *lib) fileLines(L *lua.LState) int {
	ud := L.Get(1)
	checkFile(L, 1)
	L.Push(L.NewClosure(linesIter, ud, lua.LFalse))
	return 1
}

// linesIter reads the next line of the file in upvalue 1; upvalue 2 says
// whether to close the file at the end (io.lines(filename)). An error
// raises, as in Lua 5.1.
func linesIter(L *lua.LState) int {
	f, _ := FileOf(L.Get(lua.UpvalueIndex(1)))
	if f.Closed() {
		L.RaiseError("file is already closed")
	}
	line, ok, err := f.readLine(false)
	if err != nil {
		L.RaiseError("%s", luaerr.Message(err))
	}
	if !ok {
		if lua.LVAsBool(L.Get(lua.UpvalueIndex(2))) {
			f.Close()
		}
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LString(string(line)))
	return 1
}

// open opens path with a mode string and returns the new file's userdata.
func (l *lib) open(L *lua.LState, path, mode string) (*lua.LUserData, error) {
	flags, readable, writable, ok := ParseMode(mode)
	if !ok {
		return nil, errInvalidMode
	}
	fd, err := l.st.Open(path, flags, 0o666)
	if err != nil {
		return nil, err
	}
	f := newFile(l.st, fd, path, readable, writable)
	f.own()
	return l.userdata(L, f), nil
}

var errInvalidMode = fmt.Errorf("invalid mode")

func (l *lib) ioOpen(L *lua.LState) int {
	path := luaargs.CheckString(L, 1)
	mode := luaargs.OptString(L, 2, "r")
	ud, err := l.open(L, path, mode)
	if err == errInvalidMode {
		luaargs.ArgError(L, 2, "invalid mode '"+mode+"'")
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}
	L.Push(ud)
	return 1
}

func (l *lib) ioClose(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		return l.closeFile(L, l.output.Value.(*File))
	}
	return l.closeFile(L, closableFile(L, 1))
}

// openFile returns the file in ud (a default file), raising if it is
// closed.
func openFile(L *lua.LState, ud *lua.LUserData) *File {
	f := ud.Value.(*File)
	if f.Closed() {
		L.RaiseError("attempt to use a closed file")
	}
	return f
}

func (l *lib) ioFlush(L *lua.LState) int { return pushResult(L, openFile(L, l.output).Flush()) }

// setDefault implements io.input and io.output.
func (l *lib) setDefault(L *lua.LState, def **lua.LUserData, mode string) int {
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LString, lua.LNumber:
		path := luaargs.CheckString(L, 1)
		ud, err := l.open(L, path, mode)
		if err != nil {
			L.RaiseError("%s", luaerr.Message(err))
		}
		*def = ud
	case *lua.LUserData:
		checkFile(L, 1)
		*def = v
	default:
		luaargs.TypeError(L, 1, "file or string")
	}
	L.Push(*def)
	return 1
}

func (l *lib) ioInput(L *lua.LState) int  { return l.setDefault(L, &l.input, "r") }
func (l *lib) ioOutput(L *lua.LState) int { return l.setDefault(L, &l.output, "w") }

func (l *lib) ioLines(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		openFile(L, l.input)
		L.Push(L.NewClosure(linesIter, l.input, lua.LFalse))
		return 1
	}
	path := luaargs.CheckString(L, 1)
	ud, err := l.open(L, path, "r")
	if err != nil {
		L.RaiseError("%s", luaerr.Message(err))
	}
	L.Push(L.NewClosure(linesIter, ud, lua.LTrue))
	return 1
}

func (l *lib) ioRead(L *lua.LState) int {
	f := openFile(L, l.input)
	if L.GetTop() == 0 {
		return l.readFormat(L, f, lua.LString("*l"), 1)
	}
	return l.read(L, f, 1)
}

func (l *lib) ioWrite(L *lua.LState) int {
	f := openFile(L, l.output)
	n := l.write(L, f, 0, 1)
	if n == 1 {
		L.Pop(1)
		L.Push(l.output)
	}
	return n
}

func (l *lib) ioType(L *lua.LState) int {
	luaargs.CheckAny(L, 1)
	f, ok := FileOf(L.Get(1))
	switch {
	case !ok:
		L.Push(lua.LNil)
	case f.Closed():
		L.Push(lua.LString("closed file"))
	default:
		L.Push(lua.LString("file"))
	}
	return 1
}

// ioTmpfile creates an unnamed file that disappears when closed.
func (l *lib) ioTmpfile(L *lua.LState) int {
	fd, err := l.st.Policy.OpenTmpfile()
	if err != nil {
		return luaerr.PushError(L, err)
	}
	f := newFile(l.st, fd, "tmpfile", true, true)
	f.own()
	L.Push(l.userdata(L, f))
	return 1
}

// print is Lua's print, writing through io.stdout's buffer.
func (l *lib) print(L *lua.LState) int {
	f := l.stdout.Value.(*File)
	if f.Closed() {
		L.RaiseError("print: standard output is closed")
	}
	top := L.GetTop()
	tostring := L.GetGlobal("tostring")
	for i := 1; i <= top; i++ {
		if i > 1 {
			if err := f.Write([]byte{'\t'}); err != nil {
				L.RaiseError("print: %s", luaerr.Message(err))
			}
		}
		var s string
		switch v := L.Get(i).(type) {
		case lua.LString:
			s = string(v)
		case lua.LNumber:
			s = v.String()
		default:
			L.Push(tostring)
			L.Push(v)
			L.Call(1, 1)
			str, ok := L.Get(-1).(lua.LString)
			L.Pop(1)
			if !ok {
				L.RaiseError("'tostring' must return a string to 'print'")
			}
			s = string(str)
		}
		if err := f.Write(unsafeBytes(s)); err != nil {
			L.RaiseError("print: %s", luaerr.Message(err))
		}
	}
	if err := f.Write([]byte{'\n'}); err != nil {
		L.RaiseError("print: %s", luaerr.Message(err))
	}
	return 0
}
