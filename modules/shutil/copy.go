package shutil

import (
	"strings"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/posixpath"
	lua "github.com/yuin/gopher-lua"
)

// What a copy copies besides the contents.
type meta int

const (
	contentsOnly meta = iota // copyfile
	withMode                 // copy: and the permission bits
	withStat                 // copy2: and the times and extended attributes
)

// The flags of copyFile's opens: O_NONBLOCK so that a FIFO put in the
// way can never block the open (a FIFO is refused once open), O_NOCTTY so
// that a terminal is never taken as the controlling one.
const (
	srcFlags = syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
	dstFlags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_NONBLOCK | syscall.O_NOCTTY
)

// copyFile copies what src holds into dst, and what m says besides. Both
// descriptors are close-on-exec and closed before it returns. dst is
// opened without O_TRUNC and truncated only once it is known not to be
// src (same device and inode, through a hard or symbolic link too), so
// that copying a file onto itself loses nothing, with no window between
// a check and the open.
func (l *lib) copyFile(src, dst string, m meta) error {
	sfd, err := l.st.Policy.Open(src, srcFlags, 0)
	if err != nil {
		return err
	}
	defer inherit.Close(sfd)
	sst, err := inherit.Fstat(sfd)
	if err != nil {
		return err
	}
	switch {
	case sst.IsDir():
		return fail{src + ": is a directory", syscall.EISDIR}
	case sst.Mode&inherit.ModeType == inherit.ModeFifo:
		return fail{src + ": is a named pipe", syscall.EINVAL}
	case !sst.IsRegular():
		if err := inherit.SetNonblock(sfd, false); err != nil {
			return err
		}
	}
	dfd, err := l.st.Policy.Open(dst, dstFlags, 0o666)
	if err != nil {
		return err
	}
	open := true
	defer func() {
		if open {
			inherit.Close(dfd)
		}
	}()
	dst0, err := inherit.Fstat(dfd)
	if err != nil {
		return err
	}
	switch {
	case dst0.SameFile(&sst):
		return fail{"same file", syscall.EINVAL}
	case dst0.Mode&inherit.ModeType == inherit.ModeFifo:
		return fail{dst + ": is a named pipe", syscall.EINVAL}
	case dst0.IsRegular():
		if dst0.Size > 0 {
			if err := inherit.Ftruncate(dfd, 0); err != nil {
				return err
			}
		}
	default:
		if err := inherit.SetNonblock(dfd, false); err != nil {
			return err
		}
	}
	if _, err := inherit.CopyFd(dfd, sfd, l.st.Interrupted); err != nil {
		return err
	}
	if m >= withMode {
		if err := inherit.Fchmod(dfd, l.st.Policy.FileMode(sst.Perm())); err != nil {
			return err
		}
	}
	if m == withStat {
		if err := inherit.CopyXattrs(dfd, sfd, l.keepXattr); err != nil {
			return err
		}
		// The times as Python's copystat takes them, after the copy: the
		// read may have moved the access time.
		if now, err := inherit.Fstat(sfd); err == nil {
			sst = now
		}
		if err := inherit.Futimes(dfd, inherit.FileTimes{Atime: sst.Atime, Mtime: sst.Mtime}); err != nil {
			return err
		}
	}
	open = false
	return inherit.Close(dfd) // a late write error (NFS) shows here
}

// keepXattr says which extended attributes copy2 copies: all of them on
// the command line, as Python's does; in a restricted runtime only those
// of the user namespace, since security.* and trusted.* ones (file
// capabilities, SELinux labels) would give the copy what a set-uid bit
// would.
func (l *lib) keepXattr(name string) bool {
	return l.allXattrs || strings.HasPrefix(name, "user.")
}

// copyfile is shutil.copyfile(src, dst).
func (l *lib) copyfile(L *lua.LState) int {
	src, dst := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	if err := l.copyFile(src, dst, contentsOnly); err != nil {
		return pushOpError(L, "copyfile", src, dst, err)
	}
	L.Push(lua.LString(dst))
	return 1
}

// intoDir returns dst, or dst/basename(src) if dst is a directory, as
// shutil.copy and copy2 write.
func (l *lib) intoDir(src, dst string) string {
	if st, err := l.st.Policy.Stat(dst, true); err == nil && st.IsDir() {
		return posixpath.Join(dst, posixpath.Basename(src))
	}
	return dst
}

// copy is shutil.copy(src, dst).
func (l *lib) copy(L *lua.LState) int { return l.copyWith(L, "copy", withMode) }

// copy2 is shutil.copy2(src, dst).
func (l *lib) copy2(L *lua.LState) int { return l.copyWith(L, "copy2", withStat) }

func (l *lib) copyWith(L *lua.LState, op string, m meta) int {
	src, dst := luaargs.CheckPath(L, 1), luaargs.CheckPath(L, 2)
	dst = l.intoDir(src, dst)
	if err := l.copyFile(src, dst, m); err != nil {
		return pushOpError(L, op, src, dst, err)
	}
	L.Push(lua.LString(dst))
	return 1
}
