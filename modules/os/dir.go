package os

import (
	"errors"
	"io/fs"
	"runtime"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/posixpath"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// readDirError names the directory in an error from reading it.
func readDirError(path string, err error) error {
	var se interface{ Unwrap() error }
	if errors.As(err, &se) {
		return &fs.PathError{Op: "scandir", Path: path, Err: se.Unwrap()}
	}
	return err
}

// listdir is os.listdir([path]): the names in the directory, in the order
// the directory gives them, without "." and "..".
func (l *lib) listdir(L *lua.LState) int {
	path := luaargs.OptPath(L, 1, ".")
	fd, err := l.st.Policy.OpenDir(path, false)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	defer inherit.Close(fd)
	d := inherit.NewDirReader(fd)
	defer d.Release()
	t := L.CreateTable(64, 0)
	for {
		name, more, err := d.NextName()
		if err != nil {
			return luaerr.PushError(L, readDirError(path, err))
		}
		if !more {
			break
		}
		t.Append(lua.LString(name))
	}
	L.Push(t)
	return 1
}

// scanBatch is how many entries os.scandir reads ahead: a directory
// with fewer is read whole, and its descriptor closed, before the loop
// starts.
const scanBatch = 1024

// A dirEntry is an entry read ahead.
type dirEntry struct {
	name string
	mode uint32
}

// A dirStream is an os.scandir in progress: the directory's descriptor,
// in the runtime's table (which closes it with the runtime) until the
// directory has been read to its end, and the entries read ahead.
type dirStream struct {
	st      *state.State
	fd      int // -1 once closed
	r       *inherit.DirReader
	path    string // as the script gave it, for errors
	prefix  string // what an entry's name is joined to for its path
	queue   []dirEntry
	pos     int
	cleanup runtime.Cleanup
}

// Release is called by the descriptor table when it closes the
// descriptor (os.close of its number, or the runtime's Close): the
// stream ends with what it read ahead.
func (s *dirStream) Release() error {
	s.fd = -1
	s.r.Release()
	return nil
}

// closeFd closes the stream's descriptor, if the table still gives it
// to the stream.
func (s *dirStream) closeFd() {
	if s.fd >= 0 {
		if owner, _ := s.st.Fds.Owner(s.fd); owner == s {
			s.st.Fds.Close(s.fd) // calls Release
		}
		s.fd = -1
	}
	s.r.Release()
}

// close ends the stream.
func (s *dirStream) close() {
	s.closeFd()
	s.queue, s.pos = nil, 0
	s.cleanup.Stop()
}

// fill reads up to scanBatch entries ahead, and closes the descriptor at
// the end of the directory.
func (s *dirStream) fill() error {
	s.queue, s.pos = s.queue[:0], 0
	for len(s.queue) < scanBatch && s.fd >= 0 {
		name, mode, more, err := s.r.Next()
		if err != nil {
			return err
		}
		if !more {
			s.closeFd()
			break
		}
		s.queue = append(s.queue, dirEntry{name, mode})
	}
	return nil
}

// read returns the next entry, if there is one.
func (s *dirStream) read() (dirEntry, bool, error) {
	if s.pos == len(s.queue) {
		if s.fd < 0 {
			return dirEntry{}, false, nil
		}
		if err := s.fill(); err != nil {
			return dirEntry{}, false, err
		}
		if len(s.queue) == 0 {
			return dirEntry{}, false, nil
		}
	}
	e := s.queue[s.pos]
	s.pos++
	return e, true, nil
}

// A scanHandle is what the script holds of a dirStream: the iterator
// function, and the handle scandir returns as its fourth value. When
// neither is reachable any more (a loop that broke), the descriptor table
// releases the stream (see state.Track).
type scanHandle struct {
	s *dirStream
}

// scandir is os.scandir([path]): an iterator for a generic for over the
// directory's entries, {name=, path=, type=}, in directory order. The
// directory is read through a close-on-exec descriptor, held in the
// runtime's descriptor table while the loop runs and closed when it ends.
// A directory that fits in one read (several hundred entries) is closed
// before the loop even starts. It returns the iterator, nil, nil and a
// handle whose close method closes the stream early, as Lua 5.4's
// io.lines returns a closing value.
func (l *lib) scandir(L *lua.LState) int {
	path := luaargs.OptPath(L, 1, ".")
	if err := l.st.ReserveFds(1); err != nil {
		return luaerr.PushError(L, err)
	}
	fd, err := l.st.Policy.OpenDir(path, false)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	s := &dirStream{st: l.st, fd: fd, r: inherit.NewDirReader(fd), path: path, prefix: posixpath.Join(path, "")}
	l.st.Fds.Add(fd, s)
	// Read ahead now: errors come from scandir itself, and a small
	// directory's descriptor is closed at once.
	if err := s.fill(); err != nil {
		s.close()
		return luaerr.PushError(L, readDirError(path, err))
	}
	h := &scanHandle{s: s}
	if s.fd >= 0 {
		s.cleanup = state.Track(l.st.Fds, h, s.fd, s)
	}
	iter := L.NewFunction(func(L *lua.LState) int { return h.next(L) })
	ud := L.NewUserData()
	ud.Value = h
	L.SetMetatable(ud, l.scanMeta(L))
	L.Push(iter)
	L.Push(lua.LNil)
	L.Push(lua.LNil)
	L.Push(ud)
	return 4
}

// next is the iterator: the next entry's table, or nil at the end, when
// the stream is closed.
func (h *scanHandle) next(L *lua.LState) int {
	s := h.s
	ent, more, err := s.read()
	if err != nil {
		s.close()
		L.RaiseError("%s", luaerr.Message(readDirError(s.path, err)))
	}
	if !more {
		s.close()
		L.Push(lua.LNil)
		return 1
	}
	e := L.CreateTable(0, 3)
	e.RawSetString("name", lua.LString(ent.name))
	e.RawSetString("path", lua.LString(s.prefix+ent.name))
	e.RawSetString("type", typeName(ent.mode))
	L.Push(e)
	return 1
}

// scanTypeName is the name scandir's handles' metatable is registered
// under (docs/api.md lists its methods).
const scanTypeName = "os.scandir"

// scanMeta returns the metatable of scandir's handles.
func (l *lib) scanMeta(L *lua.LState) *lua.LTable {
	if l.scanMT != nil {
		return l.scanMT
	}
	mt := L.NewTypeMetatable(scanTypeName)
	methods := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"close": func(L *lua.LState) int {
			ud, isUD := L.Get(1).(*lua.LUserData)
			h, isHandle := (*scanHandle)(nil), false
			if isUD {
				h, isHandle = ud.Value.(*scanHandle)
			}
			if !isHandle {
				luaargs.TypeError(L, 1, "scandir handle")
			}
			h.s.close()
			L.Push(lua.LTrue)
			return 1
		},
	})
	mt.RawSetString("__index", methods)
	mt.RawSetString("__close", methods.RawGetString("close"))
	mt.RawSetString("__name", lua.LString("scandir"))
	l.scanMT = mt
	return mt
}
