// Package luaerr turns Go errors into Lua's results for a failed call:
// nil, message, errno, the convention of Lua's io.open, with the real
// errno and the call and file named as Python's OSError does.
package luaerr

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// ErrInterrupted is returned by a blocking call when the running chunk
// was interrupted: its context was cancelled (Ctrl-C in the REPL, a host
// cancelling a script).
var ErrInterrupted = errors.New("interrupted")

// PushError pushes nil, message and errno for err, the convention of Lua's
// io.open, and returns 3, the number of results. Use it as
// `return luaerr.PushError(L, err)`.
//
// An interruption (ErrInterrupted) is not returned but raised: the chunk
// that was interrupted must stop.
func PushError(L *lua.LState, err error) int {
	if errors.Is(err, ErrInterrupted) {
		L.RaiseError("interrupted")
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(Message(err)))
	L.Push(lua.LNumber(Errno(err)))
	return 3
}

// Message formats err as "call: file: reason", the contract's form:
// "open: /nope: no such file or directory". fs.PathError's own Error
// leaves out the first colon.
func Message(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Path + ": " + reason(pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Old + " -> " + le.New + ": " + reason(le.Err)
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Syscall + ": " + reason(se.Err)
	}
	return err.Error()
}

func reason(err error) string {
	if err == nil {
		return "error"
	}
	return err.Error()
}

// Errno returns the errno that err carries. An error without one gives
// ENOSYS if it matches errors.ErrUnsupported, ETIMEDOUT for a timeout, and
// EIO otherwise.
func Errno(err error) int {
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		return int(errno)
	case errors.Is(err, errors.ErrUnsupported):
		return int(syscall.ENOSYS)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return int(syscall.ETIMEDOUT)
	}
	return int(syscall.EIO)
}
