package policy

import (
	"os"

	"github.com/safesh/safesh/inherit"
)

func (allowAll) OpenDir(path string, forRemoval bool) (int, error) {
	return inherit.OpenDirAt(inherit.AtCwd, path, forRemoval)
}

func (allowAll) Stat(path string, follow bool) (inherit.FileStat, error) {
	return inherit.Stat(path, follow)
}

func (allowAll) Mkdir(path string, perm uint32) error {
	return inherit.Mkdirat(inherit.AtCwd, path, perm)
}

func (allowAll) Unlink(path string) error { return inherit.Unlinkat(inherit.AtCwd, path, false) }

func (allowAll) Rmdir(path string) error { return inherit.Unlinkat(inherit.AtCwd, path, true) }

func (allowAll) Symlink(target, link string) error {
	return inherit.Symlinkat(target, inherit.AtCwd, link)
}

func (allowAll) Readlink(path string) (string, error) {
	return inherit.Readlinkat(inherit.AtCwd, path)
}

func (allowAll) Link(src, dst string) error {
	return inherit.Linkat(inherit.AtCwd, src, inherit.AtCwd, dst)
}

func (allowAll) Chmod(path string, perm uint32) error { return inherit.Chmod(path, perm) }

func (allowAll) Chown(path string, uid, gid int) error { return inherit.Chown(path, uid, gid, true) }

func (allowAll) Utime(path string, t inherit.FileTimes) error { return inherit.Utime(path, t, true) }

func (allowAll) Truncate(path string, size int64) error { return inherit.Truncate(path, size) }

func (allowAll) Access(path string, mode uint32) bool { return inherit.Access(path, mode) }

func (allowAll) FileMode(perm uint32) uint32 { return perm }

func (allowAll) ChangeFd(int, string) error { return nil }

// Chdir changes the process's working directory: a script on the command
// line is the whole process.
func (allowAll) Chdir(path string) error { return inherit.Chdir(path) }

func (allowAll) Getcwd() (string, error) { return inherit.Getwd() }

func (allowAll) Umask(mask int) (int, error) { return inherit.Umask(mask), nil }

func (allowAll) Environ() []string { return os.Environ() }

func (allowAll) Signal(int, bool) error { return nil }

func (allowAll) HandleSignals() error { return nil }

func (allowAll) ReplaceProcess(string) error { return nil }

func (allowAll) ChildCredential() error { return nil }

func (allowAll) ChildRlimit(string, inherit.Rlimit) error { return nil }
