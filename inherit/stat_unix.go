//go:build unix

package inherit

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// fileStat converts the system's stat.
func fileStat(st *unix.Stat_t) FileStat {
	return FileStat{
		Mode:  uint32(st.Mode),
		Size:  st.Size,
		Ino:   uint64(st.Ino),
		Dev:   uint64(st.Dev),
		Nlink: uint64(st.Nlink),
		Uid:   st.Uid,
		Gid:   st.Gid,
		Atime: st.Atim.Nano(),
		Mtime: st.Mtim.Nano(),
		Ctime: st.Ctim.Nano(),
	}
}

// Stat returns what stat(2) says of path, or lstat(2) unless follow is
// set. Errors are *fs.PathError with Op "stat" or "lstat".
func Stat(path string, follow bool) (FileStat, error) {
	return Fstatat(unix.AT_FDCWD, path, follow)
}

// Fstatat is Stat for a path relative to the directory dirfd.
func Fstatat(dirfd int, path string, follow bool) (FileStat, error) {
	var st unix.Stat_t
	flags := 0
	if !follow {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	// The EINTR loop by hand: a closure would move st to the heap, and
	// this is the call a walk makes for every file.
	for {
		err := unix.Fstatat(dirfd, path, &st, flags)
		if err == nil {
			return fileStat(&st), nil
		}
		if err != unix.EINTR {
			op := "stat"
			if !follow {
				op = "lstat"
			}
			return FileStat{}, &fs.PathError{Op: op, Path: path, Err: err}
		}
	}
}

// Fstat returns what fstat(2) says of the file fd refers to.
func Fstat(fd int) (FileStat, error) {
	var st unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Fstat(fd, &st) }); err != nil {
		return FileStat{}, os.NewSyscallError("fstat", err)
	}
	return fileStat(&st), nil
}
