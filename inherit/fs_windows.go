// This file gives Windows the file system part of the package's API, not
// implemented yet: every call returns an error that matches
// errors.ErrUnsupported (Root, on os.Root, works).

package inherit

import "syscall"

// AtCwd stands for the working directory in the *at calls.
const AtCwd = -100

// Stat is not supported on Windows yet.
func Stat(path string, follow bool) (FileStat, error) { return FileStat{}, unsupported("stat") }

// Fstatat is not supported on Windows yet.
func Fstatat(dirfd int, path string, follow bool) (FileStat, error) {
	return FileStat{}, unsupported("stat")
}

// Fstat is not supported on Windows yet.
func Fstat(fd int) (FileStat, error) { return FileStat{}, unsupported("fstat") }

// A DirReader reads the entries of a directory: not on Windows yet.
type DirReader struct{}

// NewDirReader returns a reader that reports an error.
func NewDirReader(fd int) *DirReader { return &DirReader{} }

// Next is not supported on Windows yet.
func (d *DirReader) Next() (name string, mode uint32, ok bool, err error) {
	return "", 0, false, unsupported("getdents")
}

// NextName is not supported on Windows yet.
func (d *DirReader) NextName() (name string, ok bool, err error) {
	return "", false, unsupported("getdents")
}

// Release does nothing.
func (d *DirReader) Release() {}

// Openat is not supported on Windows yet.
func Openat(dirfd int, path string, flag int, perm uint32) (int, error) {
	return -1, unsupported("open")
}

// OpenDirAt is not supported on Windows yet.
func OpenDirAt(dirfd int, path string, nofollow bool) (int, error) { return -1, unsupported("open") }

// Mkdirat is not supported on Windows yet.
func Mkdirat(dirfd int, path string, perm uint32) error { return unsupported("mkdir") }

// Unlinkat is not supported on Windows yet.
func Unlinkat(dirfd int, path string, dir bool) error { return unsupported("unlink") }

// Symlinkat is not supported on Windows yet.
func Symlinkat(target string, dirfd int, path string) error { return unsupported("symlink") }

// Readlinkat is not supported on Windows yet.
func Readlinkat(dirfd int, path string) (string, error) { return "", unsupported("readlink") }

// Linkat is not supported on Windows yet.
func Linkat(olddirfd int, oldpath string, newdirfd int, newpath string) error {
	return unsupported("link")
}

// Renameat is not supported on Windows yet.
func Renameat(olddirfd int, oldpath string, newdirfd int, newpath string) error {
	return unsupported("rename")
}

// Chmod is not supported on Windows yet.
func Chmod(path string, perm uint32) error { return unsupported("chmod") }

// Fchmod is not supported on Windows yet.
func Fchmod(fd int, perm uint32) error { return unsupported("fchmod") }

// Chown is not supported on Windows.
func Chown(path string, uid, gid int, follow bool) error { return unsupported("chown") }

// Fchown is not supported on Windows.
func Fchown(fd, uid, gid int) error { return unsupported("fchown") }

// Utime is not supported on Windows yet.
func Utime(path string, t FileTimes, follow bool) error { return unsupported("utime") }

// Futimes is not supported on Windows yet.
func Futimes(fd int, t FileTimes) error { return unsupported("futimes") }

// Truncate is not supported on Windows yet.
func Truncate(path string, size int64) error { return unsupported("truncate") }

// Ftruncate is not supported on Windows yet.
func Ftruncate(fd int, size int64) error { return unsupported("ftruncate") }

// Access reports false on Windows for now.
func Access(path string, mode uint32) bool { return false }

// Chdir is not supported on Windows yet.
func Chdir(path string) error { return unsupported("chdir") }

// Fchdir is not supported on Windows yet.
func Fchdir(fd int) error { return unsupported("fchdir") }

// Getwd is not supported on Windows yet.
func Getwd() (string, error) { return "", unsupported("getcwd") }

// Umask does nothing on Windows and returns 0.
func Umask(mask int) int { return 0 }

// CopyFd is not supported on Windows yet.
func CopyFd(dst, src int, stop func() error) (int64, error) { return 0, unsupported("copy") }

// Exec is not supported on Windows.
func Exec(path string, argv []string, attr *ExecAttr) error { return unsupported("exec") }

// Kill is not supported on Windows yet.
func Kill(pid int, sig syscall.Signal) error { return unsupported("kill") }

// GetUname is not supported on Windows.
func GetUname() (Uname, error) { return Uname{}, unsupported("uname") }

// GetDiskUsage is not supported on Windows yet.
func GetDiskUsage(fd int) (DiskUsage, error) { return DiskUsage{}, unsupported("statfs") }

// OpenedForWriting is not supported on Windows yet.
func OpenedForWriting(fd int) (bool, error) { return false, unsupported("fcntl") }

// OHandle opens a file only to ask about it.
const OHandle = 0

const (
	oDirRead  = 0
	oNoFollow = 0
)
