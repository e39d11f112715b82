//go:build unix

// This file holds the file system calls that take a path, as thin
// wrappers: EINTR retried, errors naming the call and the path. Each has
// a form relative to a directory descriptor (the *at calls) for walks
// that must not be led elsewhere by a path (shutil.rmtree).

package inherit

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// AtCwd is the directory descriptor that stands for the working
// directory in the *at calls.
const AtCwd = unix.AT_FDCWD

// Openat is Open for a path relative to the directory dirfd: the new
// descriptor is close-on-exec from the moment it exists.
func Openat(dirfd int, path string, flag int, perm uint32) (int, error) {
	fd, err := ignoringEINTR2(func() (int, error) { return unix.Openat(dirfd, path, flag|unix.O_CLOEXEC, perm) })
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return fd, nil
}

// OpenDirAt opens the directory at path, relative to dirfd, for reading
// its entries (see DirReader): close-on-exec, and with nofollow set, never
// through a symbolic link (O_NOFOLLOW fails with ELOOP or ENOTDIR).
func OpenDirAt(dirfd int, path string, nofollow bool) (int, error) {
	flag := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NONBLOCK
	if nofollow {
		flag |= unix.O_NOFOLLOW
	}
	return Openat(dirfd, path, flag, 0)
}

// Mkdirat creates the directory path, relative to dirfd, with the
// permission bits perm before the umask.
func Mkdirat(dirfd int, path string, perm uint32) error {
	if err := ignoringEINTR(func() error { return unix.Mkdirat(dirfd, path, perm) }); err != nil {
		return &fs.PathError{Op: "mkdir", Path: path, Err: err}
	}
	return nil
}

// Unlinkat removes path, relative to dirfd: a directory (which must be
// empty) if dir is set, anything else if not. It never follows a
// symbolic link: a link is removed itself.
func Unlinkat(dirfd int, path string, dir bool) error {
	op, flags := "unlink", 0
	if dir {
		op, flags = "rmdir", unix.AT_REMOVEDIR
	}
	if err := ignoringEINTR(func() error { return unix.Unlinkat(dirfd, path, flags) }); err != nil {
		return &fs.PathError{Op: op, Path: path, Err: err}
	}
	return nil
}

// Symlinkat creates a symbolic link at path, relative to dirfd, that
// holds target.
func Symlinkat(target string, dirfd int, path string) error {
	if err := ignoringEINTR(func() error { return unix.Symlinkat(target, dirfd, path) }); err != nil {
		return &os.LinkError{Op: "symlink", Old: target, New: path, Err: err}
	}
	return nil
}

// Readlinkat returns what the symbolic link at path, relative to dirfd,
// holds.
func Readlinkat(dirfd int, path string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := ignoringEINTR2(func() (int, error) { return unix.Readlinkat(dirfd, path, buf) })
		if err != nil {
			return "", &fs.PathError{Op: "readlink", Path: path, Err: err}
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// Linkat makes newpath (relative to newdirfd) a hard link to oldpath
// (relative to olddirfd). A symbolic link at oldpath is linked itself,
// not followed.
func Linkat(olddirfd int, oldpath string, newdirfd int, newpath string) error {
	if err := ignoringEINTR(func() error { return unix.Linkat(olddirfd, oldpath, newdirfd, newpath, 0) }); err != nil {
		return &os.LinkError{Op: "link", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// Renameat renames oldpath (relative to olddirfd) to newpath (relative to
// newdirfd), replacing what newpath named.
func Renameat(olddirfd int, oldpath string, newdirfd int, newpath string) error {
	if err := ignoringEINTR(func() error { return unix.Renameat(olddirfd, oldpath, newdirfd, newpath) }); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// Chmod sets the permission bits of the file at path (following
// symbolic links) to perm.
func Chmod(path string, perm uint32) error {
	if err := ignoringEINTR(func() error { return unix.Fchmodat(unix.AT_FDCWD, path, perm, 0) }); err != nil {
		return &fs.PathError{Op: "chmod", Path: path, Err: err}
	}
	return nil
}

// Fchmod sets the permission bits of the file fd refers to.
func Fchmod(fd int, perm uint32) error {
	if err := ignoringEINTR(func() error { return unix.Fchmod(fd, perm) }); err != nil {
		return os.NewSyscallError("fchmod", err)
	}
	return nil
}

// Chown changes the owner and group of the file at path, following
// symbolic links unless follow is false; -1 leaves one as it is.
func Chown(path string, uid, gid int, follow bool) error {
	flags := 0
	if !follow {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	if err := ignoringEINTR(func() error { return unix.Fchownat(unix.AT_FDCWD, path, uid, gid, flags) }); err != nil {
		return &fs.PathError{Op: "chown", Path: path, Err: err}
	}
	return nil
}

// Fchown changes the owner and group of the file fd refers to.
func Fchown(fd, uid, gid int) error {
	if err := ignoringEINTR(func() error { return unix.Fchown(fd, uid, gid) }); err != nil {
		return os.NewSyscallError("fchown", err)
	}
	return nil
}

// timespecs returns t as utimensat takes it.
func (t FileTimes) timespecs() []unix.Timespec {
	if t.Now {
		now := timeNow()
		return []unix.Timespec{now, now}
	}
	return []unix.Timespec{unix.NsecToTimespec(t.Atime), unix.NsecToTimespec(t.Mtime)}
}

// Utime sets the access and modification times of the file at path,
// following symbolic links unless follow is false.
func Utime(path string, t FileTimes, follow bool) error {
	flags := 0
	if !follow {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	if err := ignoringEINTR(func() error { return unix.UtimesNanoAt(unix.AT_FDCWD, path, t.timespecs(), flags) }); err != nil {
		return &fs.PathError{Op: "utime", Path: path, Err: err}
	}
	return nil
}

// Truncate sets the size of the file at path.
func Truncate(path string, size int64) error {
	if err := ignoringEINTR(func() error { return unix.Truncate(path, size) }); err != nil {
		return &fs.PathError{Op: "truncate", Path: path, Err: err}
	}
	return nil
}

// Ftruncate sets the size of the file fd refers to.
func Ftruncate(fd int, size int64) error {
	if err := ignoringEINTR(func() error { return unix.Ftruncate(fd, size) }); err != nil {
		return os.NewSyscallError("ftruncate", err)
	}
	return nil
}

// Access reports whether the process may use the file at path as mode
// says (a sum of the Access constants), by its real user and group IDs,
// as access(2) does.
func Access(path string, mode uint32) bool {
	return ignoringEINTR(func() error { return unix.Faccessat(unix.AT_FDCWD, path, mode, 0) }) == nil
}

// Chdir changes the process's working directory.
func Chdir(path string) error {
	if err := ignoringEINTR(func() error { return unix.Chdir(path) }); err != nil {
		return &fs.PathError{Op: "chdir", Path: path, Err: err}
	}
	return nil
}

// Fchdir changes the process's working directory to the directory fd
// refers to.
func Fchdir(fd int) error {
	if err := ignoringEINTR(func() error { return unix.Fchdir(fd) }); err != nil {
		return os.NewSyscallError("fchdir", err)
	}
	return nil
}

// Getwd returns the process's working directory, as the kernel knows it.
func Getwd() (string, error) {
	wd, err := unix.Getwd()
	if err != nil {
		return "", os.NewSyscallError("getcwd", err)
	}
	return wd, nil
}

// Umask sets the process's file mode creation mask and returns the one
// before.
func Umask(mask int) int { return unix.Umask(mask) }

// OpenedForWriting reports whether fd was opened for writing (O_WRONLY or
// O_RDWR).
func OpenedForWriting(fd int) (bool, error) {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return false, os.NewSyscallError("fcntl", err)
	}
	acc := fl & unix.O_ACCMODE
	return acc == unix.O_WRONLY || acc == unix.O_RDWR, nil
}
