// This file implements Root's file system calls beyond Open, Remove and
// Rename on Linux. Each reaches its file beneath the root with openat2
// (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), as Open does: the file
// itself (O_PATH) for the calls that act on what a path names, following
// symbolic links that stay inside; its directory for the calls that act
// on a name in a directory (mkdir, unlink, symlink, link, readlink). The
// calls that need a path and cannot take an O_PATH descriptor (chmod,
// utime, access) are given /proc/self/fd/N, which names exactly the file
// opened: they need /proc, as UnixPath in package policy does.

package inherit

import (
	"io/fs"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// procFd is the /proc/self/fd path of fd.
func procFd(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// openPath opens path beneath the root with O_PATH (and O_NOFOLLOW unless
// follow is set).
func (r *Root) openPath(op, path string, follow bool) (int, error) {
	rel, err := cleanRel(op, path)
	if err != nil {
		return -1, err
	}
	flag := unix.O_PATH
	if !follow {
		flag |= unix.O_NOFOLLOW
	}
	fd, err := r.openat2(rel, flag, 0)
	if err != nil {
		return -1, &fs.PathError{Op: op, Path: path, Err: err}
	}
	if err := r.checked(op, path, fd); err != nil {
		return -1, err
	}
	return fd, nil
}

// Stat returns what stat(2) says of path beneath the root, or lstat(2)
// unless follow is set.
func (r *Root) Stat(path string, follow bool) (FileStat, error) {
	op := "stat"
	if !follow {
		op = "lstat"
	}
	if r.root != nil {
		return r.statFallback(op, path, follow)
	}
	fd, err := r.openPath(op, path, follow)
	if err != nil {
		return FileStat{}, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return FileStat{}, &fs.PathError{Op: op, Path: path, Err: err}
	}
	return fileStat(&st), nil
}

// inParent runs fn with a descriptor of the directory that holds path
// (beneath the root) and the last element of path.
func (r *Root) inParent(op, path string, fn func(dirfd int, base string) error) error {
	pfd, base, err := r.parent(op, path)
	if err != nil {
		return err
	}
	if err := r.checked(op, path, pfd); err != nil {
		return err
	}
	defer unix.Close(pfd)
	return fn(pfd, base)
}

// Mkdir creates the directory path beneath the root.
func (r *Root) Mkdir(path string, perm uint32) error {
	if r.root != nil {
		return r.mkdirFallback(path, perm)
	}
	return r.inParent("mkdir", path, func(dirfd int, base string) error {
		return named(Mkdirat(dirfd, base, perm), "mkdir", path)
	})
}

// Unlink removes the file at path beneath the root, which must not be a
// directory; a symbolic link is removed itself.
func (r *Root) Unlink(path string) error {
	if r.root != nil {
		return r.removeFallback("unlink", path, false)
	}
	return r.inParent("unlink", path, func(dirfd int, base string) error {
		return named(Unlinkat(dirfd, base, false), "unlink", path)
	})
}

// Rmdir removes the empty directory path beneath the root.
func (r *Root) Rmdir(path string) error {
	if r.root != nil {
		return r.removeFallback("rmdir", path, true)
	}
	return r.inParent("rmdir", path, func(dirfd int, base string) error {
		return named(Unlinkat(dirfd, base, true), "rmdir", path)
	})
}

// Symlink creates a symbolic link at path beneath the root that holds
// target. The target is only text: where it leads is checked when a path
// through the link is opened.
func (r *Root) Symlink(target, path string) error {
	if r.root != nil {
		return r.root.Symlink(target, path)
	}
	return r.inParent("symlink", path, func(dirfd int, base string) error {
		if err := Symlinkat(target, dirfd, base); err != nil {
			return &os.LinkError{Op: "symlink", Old: target, New: path, Err: err.(*os.LinkError).Err}
		}
		return nil
	})
}

// Readlink returns what the symbolic link at path beneath the root holds.
func (r *Root) Readlink(path string) (string, error) {
	if r.root != nil {
		return r.root.Readlink(path)
	}
	var target string
	err := r.inParent("readlink", path, func(dirfd int, base string) error {
		var err error
		target, err = Readlinkat(dirfd, base)
		return named(err, "readlink", path)
	})
	return target, err
}

// Link makes newpath (beneath toRoot) a hard link to the file at oldpath
// (beneath r), which is linked itself if it is a symbolic link.
func (r *Root) Link(oldpath string, toRoot *Root, newpath string) error {
	if r.root != nil || toRoot.root != nil {
		if r.root == nil || toRoot.root == nil || r.name != toRoot.name {
			return &os.LinkError{Op: "link", Old: oldpath, New: newpath, Err: unix.EXDEV}
		}
		return r.root.Link(oldpath, newpath)
	}
	return r.inParent("link", oldpath, func(ofd int, obase string) error {
		return toRoot.inParent("link", newpath, func(nfd int, nbase string) error {
			if err := Linkat(ofd, obase, nfd, nbase); err != nil {
				return &os.LinkError{Op: "link", Old: oldpath, New: newpath, Err: err.(*os.LinkError).Err}
			}
			return nil
		})
	})
}

// Chmod sets the permission bits of the file at path beneath the root,
// following symbolic links that stay inside.
func (r *Root) Chmod(path string, perm uint32) error {
	if r.root != nil {
		return r.root.Chmod(path, fs.FileMode(perm&0o777))
	}
	fd, err := r.openPath("chmod", path, true)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return named(Chmod(procFd(fd), perm), "chmod", path)
}

// Chown changes the owner and group of the file at path beneath the root,
// following symbolic links that stay inside; -1 leaves one as it is.
func (r *Root) Chown(path string, uid, gid int) error {
	if r.root != nil {
		return r.root.Chown(path, uid, gid)
	}
	fd, err := r.openPath("chown", path, true)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := ignoringEINTR(func() error { return unix.Fchownat(fd, "", uid, gid, unix.AT_EMPTY_PATH) }); err != nil {
		return &fs.PathError{Op: "chown", Path: path, Err: err}
	}
	return nil
}

// Utime sets the access and modification times of the file at path
// beneath the root, following symbolic links that stay inside.
func (r *Root) Utime(path string, t FileTimes) error {
	if r.root != nil {
		return r.utimeFallback(path, t)
	}
	fd, err := r.openPath("utime", path, true)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return named(Utime(procFd(fd), t, true), "utime", path)
}

// Truncate sets the size of the file at path beneath the root, which
// must be writable.
func (r *Root) Truncate(path string, size int64) error {
	fd, err := r.Open(path, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return named(err, "truncate", path)
	}
	if err := r.checked("truncate", path, fd); err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := ignoringEINTR(func() error { return unix.Ftruncate(fd, size) }); err != nil {
		return &fs.PathError{Op: "truncate", Path: path, Err: err}
	}
	return nil
}

// Access reports whether the file at path beneath the root may be used as
// mode says (see Access).
func (r *Root) Access(path string, mode uint32) bool {
	if r.root != nil {
		return r.accessFallback(path, mode)
	}
	fd, err := r.openPath("access", path, true)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return mode == AccessExists || Access(procFd(fd), mode)
}

// OpenDir opens the directory at path beneath the root for reading its
// entries (see DirReader), close-on-exec; with nofollow set, never
// through a symbolic link at path itself.
func (r *Root) OpenDir(path string, nofollow bool) (int, error) {
	flag := unix.O_RDONLY | unix.O_DIRECTORY
	if nofollow {
		flag |= unix.O_NOFOLLOW
	}
	fd, err := r.Open(path, flag, 0)
	if err != nil {
		return -1, err
	}
	if err := r.checked("open", path, fd); err != nil {
		return -1, err
	}
	return fd, nil
}
