// This file implements Root's file system calls on Go's os.Root, for
// platforms without openat2 and Linux kernels before 5.6.

package inherit

import (
	"io/fs"
	"os"
	"syscall"
	"time"
)

// named gives err, from a call on a name in a directory, the path the
// caller knows.
func named(err error, op, path string) error {
	if pe, ok := err.(*fs.PathError); ok {
		return &fs.PathError{Op: op, Path: path, Err: pe.Err}
	}
	return err
}

func (r *Root) statFallback(op, path string, follow bool) (FileStat, error) {
	rel, err := cleanRel(op, path)
	if err != nil {
		return FileStat{}, err
	}
	var fi fs.FileInfo
	if follow {
		fi, err = r.root.Stat(rel)
	} else {
		fi, err = r.root.Lstat(rel)
	}
	if err != nil {
		return FileStat{}, named(err, op, path)
	}
	return sysStat(fi), nil
}

func (r *Root) mkdirFallback(path string, perm uint32) error {
	return named(r.root.Mkdir(path, fs.FileMode(perm&0o777)), "mkdir", path)
}

// removeFallback removes a directory (dir set) or anything else, after
// checking which it is: os.Root removes either.
func (r *Root) removeFallback(op, path string, dir bool) error {
	st, err := r.statFallback(op, path, false)
	if err != nil {
		return err
	}
	switch {
	case dir && !st.IsDir():
		return &fs.PathError{Op: op, Path: path, Err: syscall.ENOTDIR}
	case !dir && st.IsDir():
		return &fs.PathError{Op: op, Path: path, Err: syscall.EISDIR}
	}
	return named(r.root.Remove(path), op, path)
}

func (r *Root) utimeFallback(path string, t FileTimes) error {
	atime, mtime := time.Unix(0, t.Atime), time.Unix(0, t.Mtime)
	if t.Now {
		atime = time.Now()
		mtime = atime
	}
	return named(r.root.Chtimes(path, atime, mtime), "utime", path)
}

// accessFallback answers from the file's permission bits, for the real
// user and group IDs, as access(2) would.
func (r *Root) accessFallback(path string, mode uint32) bool {
	st, err := r.statFallback("access", path, true)
	if err != nil {
		return false
	}
	if mode == AccessExists {
		return true
	}
	uid := os.Getuid()
	if uid == 0 {
		// root may read and write anything, and execute what any one may.
		return mode&AccessExecute == 0 || st.Mode&0o111 != 0 || st.IsDir()
	}
	var bits uint32
	switch {
	case uint32(uid) == st.Uid:
		bits = st.Mode >> 6 & 7
	case inGroup(st.Gid):
		bits = st.Mode >> 3 & 7
	default:
		bits = st.Mode & 7
	}
	return mode&^bits == 0
}

func inGroup(gid uint32) bool {
	if uint32(os.Getgid()) == gid {
		return true
	}
	groups, _ := os.Getgroups()
	for _, g := range groups {
		if uint32(g) == gid {
			return true
		}
	}
	return false
}
