//go:build !linux

package inherit

import (
	"io/fs"
	"os"
)

// Stat returns what stat(2) says of path beneath the root, or lstat(2)
// unless follow is set.
func (r *Root) Stat(path string, follow bool) (FileStat, error) {
	op := "stat"
	if !follow {
		op = "lstat"
	}
	return r.statFallback(op, path, follow)
}

// Mkdir creates the directory path beneath the root.
func (r *Root) Mkdir(path string, perm uint32) error { return r.mkdirFallback(path, perm) }

// Unlink removes the file at path beneath the root, which must not be a
// directory; a symbolic link is removed itself.
func (r *Root) Unlink(path string) error { return r.removeFallback("unlink", path, false) }

// Rmdir removes the empty directory path beneath the root.
func (r *Root) Rmdir(path string) error { return r.removeFallback("rmdir", path, true) }

// Symlink creates a symbolic link at path beneath the root that holds
// target.
func (r *Root) Symlink(target, path string) error { return r.root.Symlink(target, path) }

// Readlink returns what the symbolic link at path beneath the root holds.
func (r *Root) Readlink(path string) (string, error) { return r.root.Readlink(path) }

// Link makes newpath (beneath toRoot, which must be the same directory
// here) a hard link to the file at oldpath.
func (r *Root) Link(oldpath string, toRoot *Root, newpath string) error {
	if toRoot.name != r.name {
		return &os.LinkError{Op: "link", Old: oldpath, New: newpath, Err: errCrossRoot}
	}
	return r.root.Link(oldpath, newpath)
}

// Chmod sets the permission bits of the file at path beneath the root.
func (r *Root) Chmod(path string, perm uint32) error {
	return r.root.Chmod(path, fs.FileMode(perm&0o777))
}

// Chown changes the owner and group of the file at path beneath the root.
func (r *Root) Chown(path string, uid, gid int) error { return r.root.Chown(path, uid, gid) }

// Utime sets the access and modification times of the file at path
// beneath the root.
func (r *Root) Utime(path string, t FileTimes) error { return r.utimeFallback(path, t) }

// Truncate sets the size of the file at path beneath the root.
func (r *Root) Truncate(path string, size int64) error {
	f, err := r.root.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return named(err, "truncate", path)
	}
	defer f.Close()
	return named(f.Truncate(size), "truncate", path)
}

// Access reports whether the file at path beneath the root may be used as
// mode says (see Access), from its permission bits.
func (r *Root) Access(path string, mode uint32) bool { return r.accessFallback(path, mode) }

// OpenDir opens the directory at path beneath the root for reading its
// entries (see DirReader), close-on-exec; with nofollow set, never
// through a symbolic link at path itself.
func (r *Root) OpenDir(path string, nofollow bool) (int, error) {
	flag := oDirRead
	if nofollow {
		flag |= oNoFollow
	}
	return r.Open(path, flag, 0)
}
