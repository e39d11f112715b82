// Package shutil is safesh's shutil module, Python's shutil for the file
// operations a shell script does, done without leaking a descriptor (the
// seed's ftools):
//
//	shutil.copyfile(src, dst)          dst; the contents, copied inside the kernel
//	shutil.copy(src, dst)              the path written; and the permission bits
//	shutil.copy2(src, dst)             the path written; and the times
//	shutil.copytree(src, dst [, opts]) dst; opts: symlinks, ignore, dirs_exist_ok
//	shutil.rmtree(path [, opts])       true; opts: ignore_errors, onerror
//	shutil.move(src, dst)              the path moved to
//	shutil.which(cmd [, path])         the program's path, or nil
//	shutil.disk_usage(path)            {total=, used=, free=}
//
// Every path goes through the runtime's policy, and every descriptor is
// close-on-exec from birth and closed before the call returns, whatever
// happens: a child started meanwhile never holds a file half-written.
// A failing call returns nil, message, errno; misuse raises an error.
package shutil

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/policy"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// lib is the shutil module of one runtime.
type lib struct {
	st        *state.State
	allXattrs bool // copy2 copies every extended attribute (see keepXattr)
}

// Loader returns the shutil module.
func Loader(L *lua.LState) int {
	st := state.Get(L)
	l := &lib{st: st, allXattrs: st.Policy.Unrestricted()}
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"copyfile":   l.copyfile,
		"copy":       l.copy,
		"copy2":      l.copy2,
		"copytree":   l.copytree,
		"rmtree":     l.rmtree,
		"move":       l.move,
		"which":      l.which,
		"disk_usage": l.diskUsage,
	})
	L.Push(mod)
	return 1
}

// opError is a failure of a call on two paths: "copyfile: a -> b:
// reason", where the reason names the path or system call that failed
// ("b: permission denied", "copy_file_range: no space left on device").
// It unwraps to the errno alone, so that luaerr formats it as it is.
type opError struct {
	op, src, dst string
	cause        error
}

func (e *opError) Error() string {
	return e.op + ": " + e.src + " -> " + e.dst + ": " + reason(e.cause)
}

func (e *opError) Unwrap() error {
	var errno syscall.Errno
	if errors.As(e.cause, &errno) {
		return errno
	}
	return e.cause
}

// reason says what went wrong in err, with the path or call it names.
func reason(err error) string {
	var de *policy.DeniedError
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &de):
		return de.Target + ": " + de.Errno.Error() + " (" + de.Reason + ")"
	case errors.As(err, &pe):
		return pe.Path + ": " + pe.Err.Error()
	case errors.As(err, &le):
		return le.Op + " " + le.Old + " -> " + le.New + ": " + le.Err.Error()
	case errors.As(err, &se):
		return se.Syscall + ": " + se.Err.Error()
	}
	return err.Error()
}

// fail is an opError with a bare errno and a reason of its own.
type fail struct {
	msg   string
	errno syscall.Errno
}

func (f fail) Error() string { return f.msg }
func (f fail) Unwrap() error { return f.errno }

// pushOpError pushes nil, message, errno for a failure of op on src and
// dst; an interruption is raised.
func pushOpError(L *lua.LState, op, src, dst string, err error) int {
	if errors.Is(err, luaerr.ErrInterrupted) {
		return luaerr.PushError(L, err)
	}
	var oe *opError
	if !errors.As(err, &oe) {
		err = &opError{op: op, src: src, dst: dst, cause: err}
	}
	return luaerr.PushError(L, err)
}
