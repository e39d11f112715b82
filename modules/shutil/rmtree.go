package shutil

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// An rmTree is one shutil.rmtree.
type rmTree struct {
	l       *lib
	L       *lua.LState
	ignore  bool           // ignore_errors
	onerror *lua.LFunction // or nil
	first   error          // the error that stopped it, without either
}

// rmtree is shutil.rmtree(path [, opts]): it removes the directory at path
// and everything beneath it, as CPython's _rmtree_safe_fd does, by
// descriptor: each directory is opened (O_DIRECTORY | O_NOFOLLOW,
// close-on-exec) from its parent's descriptor, and what it holds is
// removed with unlinkat from its own, so that no path is ever resolved
// again. A directory swapped for a symbolic link while it runs is not
// followed: the link is removed, as a link, and what it points to is
// left alone. path itself must not be a symbolic link.
//
// On an error it stops and returns nil, message, errno, unless
// opts.ignore_errors, or opts.onerror(func_name, path, message, errno),
// which is called for each error and the removal goes on.
func (l *lib) rmtree(L *lua.LState) int {
	path := luaargs.CheckPath(L, 1)
	opts := luaargs.CheckOptions(L, 2, "ignore_errors", "onerror")
	r := &rmTree{l: l, L: L, ignore: luaargs.OptBoolField(L, opts, 2, "ignore_errors", false), onerror: optFunc(L, opts, 2, "onerror")}
	if err := r.top(path); err != nil {
		return luaerr.PushError(L, err) // an interruption: raised
	}
	if r.first != nil {
		return luaerr.PushError(L, r.first)
	}
	L.Push(lua.LTrue)
	return 1
}

// failed handles an error of the call fn on path, and says whether to go
// on: with ignore_errors or onerror, yes; else the error is kept, and no.
func (r *rmTree) failed(fn, path string, err error) bool {
	switch {
	case r.ignore:
		return true
	case r.onerror != nil:
		r.L.Push(r.onerror)
		r.L.Push(lua.LString(fn))
		r.L.Push(lua.LString(path))
		r.L.Push(lua.LString(luaerr.Message(err)))
		r.L.Push(lua.LNumber(luaerr.Errno(err)))
		r.L.Call(4, 0) // an error it raises ends rmtree: the deferred closes run
		return true
	}
	r.first = err
	return false
}

// top removes path: what it holds, through a descriptor of it, then
// itself. It returns only an interruption; other errors go to failed.
func (r *rmTree) top(path string) error {
	p := r.l.st.Policy
	st, err := p.Stat(path, false)
	if err != nil {
		r.failed("lstat", path, err)
		return nil
	}
	if st.IsLink() {
		r.failed("islink", path, fail{"rmtree: " + path + ": a symbolic link, not a directory", syscall.ENOTDIR})
		return nil
	}
	fd, err := p.OpenDir(path, true)
	if err != nil {
		r.failed("open", path, err)
		return nil
	}
	defer inherit.Close(fd)
	if opened, err := inherit.Fstat(fd); err != nil || !opened.SameFile(&st) {
		// Replaced between the lstat and the open.
		r.failed("open", path, fail{"rmtree: " + path + ": changed while being removed", syscall.EAGAIN})
		return nil
	}
	goOn, err := r.contents(fd, path)
	if err != nil || !goOn {
		return err
	}
	if err := p.Rmdir(path); err != nil {
		r.failed("rmdir", path, err)
	}
	return nil
}

// contents removes what the directory open at dirfd (path) holds. It
// reports whether to go on, and returns only an interruption.
func (r *rmTree) contents(dirfd int, path string) (bool, error) {
	entries, err := readEntries(dirfd)
	if err != nil {
		return r.failed("scandir", path, &fs.PathError{Op: "scandir", Path: path, Err: errnoOf(err)}), nil
	}
	for _, e := range entries {
		if err := r.l.st.Interrupted(); err != nil {
			return false, err
		}
		goOn, err := r.entry(dirfd, path+"/"+e.name, e)
		if err != nil || !goOn {
			return false, err
		}
	}
	return true, nil
}

// maxSwaps bounds how often an entry may change between a directory and
// something else while rmtree looks at it.
const maxSwaps = 10

// entry removes one entry of the directory open at dirfd: a directory by
// descriptor, anything else with unlinkat. An entry that stops being a
// directory between the listing and the open (ELOOP, ENOTDIR: a link was
// put there) is removed as what it now is; one that became a directory is
// removed as one.
func (r *rmTree) entry(dirfd int, full string, e entry) (bool, error) {
	isDir := e.mode == inherit.ModeDir
	for swaps := 0; ; swaps++ {
		if !isDir {
			err := inherit.Unlinkat(dirfd, e.name, false)
			if (errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EPERM)) && swaps < maxSwaps {
				if st, serr := inherit.Fstatat(dirfd, e.name, false); serr == nil && st.IsDir() {
					isDir = true // a directory now: remove it as one
					continue
				}
			}
			if err != nil && !errors.Is(err, syscall.ENOENT) {
				return r.failed("unlink", full, named(err, full)), nil
			}
			return true, nil
		}
		cfd, err := inherit.OpenDirAt(dirfd, e.name, true)
		if err != nil {
			if (errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENOTDIR)) && swaps < maxSwaps {
				isDir = false // a link or a file now: remove it, never follow it
				continue
			}
			if errors.Is(err, syscall.ENOENT) {
				return true, nil // gone already
			}
			return r.failed("open", full, named(err, full)), nil
		}
		goOn, err := r.dir(cfd, full)
		if err != nil || !goOn {
			return goOn, err
		}
		err = inherit.Unlinkat(dirfd, e.name, true)
		if errors.Is(err, syscall.ENOTDIR) && swaps < maxSwaps {
			isDir = false // emptied, then moved away and replaced: remove what is there
			continue
		}
		if err != nil && !errors.Is(err, syscall.ENOENT) {
			return r.failed("rmdir", full, named(err, full)), nil
		}
		return true, nil
	}
}

// dir removes what the directory open at fd holds, and closes fd.
func (r *rmTree) dir(fd int, full string) (bool, error) {
	defer inherit.Close(fd)
	return r.contents(fd, full)
}

// named gives an error of a call on a name in a directory the whole path.
func named(err error, full string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: full, Err: pe.Err}
	}
	return err
}

// errnoOf returns the errno err carries, or EIO.
func errnoOf(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return syscall.EIO
}
