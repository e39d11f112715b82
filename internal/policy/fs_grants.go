package policy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// workdir returns the scripts' working directory: where Chdir went, or
// the first granted directory.
func (g *Grants) workdir() string {
	if wd := g.cwd.Load(); wd != nil {
		return *wd
	}
	return g.roots[0].path
}

// errOwnProc refuses the process's own /proc entries (see Open), to the
// file system calls of this file, which inherit.Root asks through
// refuseOwnProc on the descriptor of what they act on.
var errOwnProc = ownProc{}

type ownProc struct{}

func (ownProc) Error() string        { return "permission denied (the process's own /proc entries)" }
func (ownProc) Is(target error) bool { return target == syscall.EACCES }
func (ownProc) Unwrap() error        { return syscall.EACCES }

func refuseOwnProc(fd int) error {
	if inherit.OwnProcEntry(fd) {
		return errOwnProc
	}
	return nil
}

// linkErr names the script's own paths in an error of a call that takes
// two (symlink, link), and turns a refusal to leave a root into a denial.
func linkErr(op, old, new string, err error) error {
	var le *os.LinkError
	if errors.As(err, &le) && !errors.Is(le.Err, syscall.EXDEV) {
		return &os.LinkError{Op: op, Old: old, New: new, Err: le.Err}
	}
	return escapeErr(op, old+" -> "+new, err)
}

// OpenDir opens a directory beneath a granted directory; for removal, a
// writable one, which must not be a granted directory itself (a grant
// cannot be removed), nor be reached through a link at path.
func (g *Grants) OpenDir(path string, forRemoval bool) (int, error) {
	r, rel, err := g.resolve("open", path, forRemoval)
	if err != nil {
		return -1, err
	}
	if forRemoval && rel == "." {
		return -1, denied("rmtree", path, "a granted directory cannot be removed")
	}
	fd, err := r.OpenDir(rel, forRemoval)
	if err != nil {
		return -1, escapeErr("open", path, err)
	}
	return fd, nil
}

// Stat stats a file beneath a granted directory.
func (g *Grants) Stat(path string, follow bool) (inherit.FileStat, error) {
	op := "stat"
	if !follow {
		op = "lstat"
	}
	r, rel, err := g.resolve(op, path, false)
	if err != nil {
		return inherit.FileStat{}, err
	}
	st, err := r.Stat(rel, follow)
	if err != nil {
		return inherit.FileStat{}, escapeErr(op, path, err)
	}
	return st, nil
}

// change runs a call that changes what path names, beneath a writable
// granted directory.
func (g *Grants) change(op, path string, call func(r *root, rel string) error) error {
	r, rel, err := g.resolve(op, path, true)
	if err != nil {
		return err
	}
	if err := call(r, rel); err != nil {
		return escapeErr(op, path, err)
	}
	return nil
}

// Mkdir creates a directory beneath a writable granted directory, without
// set-uid, set-gid and sticky bits.
func (g *Grants) Mkdir(path string, perm uint32) error {
	return g.change("mkdir", path, func(r *root, rel string) error { return r.Mkdir(rel, g.FileMode(perm)) })
}

// Unlink removes a file beneath a writable granted directory.
func (g *Grants) Unlink(path string) error {
	return g.change("unlink", path, func(r *root, rel string) error { return r.Unlink(rel) })
}

// Rmdir removes an empty directory beneath a writable granted directory,
// never a granted directory itself.
func (g *Grants) Rmdir(path string) error {
	return g.change("rmdir", path, func(r *root, rel string) error { return r.Rmdir(rel) })
}

// Symlink creates a link beneath a writable granted directory. What it
// holds is not checked: where it leads is, when a path through it is
// opened.
func (g *Grants) Symlink(target, link string) error {
	r, rel, err := g.resolve("symlink", link, true)
	if err != nil {
		return err
	}
	if err := r.Symlink(target, rel); err != nil {
		return linkErr("symlink", target, link, err)
	}
	return nil
}

// Readlink reads a link beneath a granted directory.
func (g *Grants) Readlink(path string) (string, error) {
	r, rel, err := g.resolve("readlink", path, false)
	if err != nil {
		return "", err
	}
	target, err := r.Readlink(rel)
	if err != nil {
		return "", escapeErr("readlink", path, err)
	}
	return target, nil
}

// Link makes a hard link within writable granted directories. Both must
// be writable: a link in a writable directory to a file of a read-only
// one would let the file be written.
func (g *Grants) Link(src, dst string) error {
	r1, rel1, err := g.resolve("link", src, true)
	if err != nil {
		return err
	}
	r2, rel2, err := g.resolve("link", dst, true)
	if err != nil {
		return err
	}
	if err := r1.Link(rel1, r2.Root, rel2); err != nil {
		return linkErr("link", src, dst, err)
	}
	return nil
}

// Chmod changes permission bits beneath a writable granted directory,
// without set-uid, set-gid and sticky bits.
func (g *Grants) Chmod(path string, perm uint32) error {
	return g.change("chmod", path, func(r *root, rel string) error { return r.Chmod(rel, g.FileMode(perm)) })
}

// Chown changes an owner beneath a writable granted directory.
func (g *Grants) Chown(path string, uid, gid int) error {
	return g.change("chown", path, func(r *root, rel string) error { return r.Chown(rel, uid, gid) })
}

// Utime sets times beneath a writable granted directory.
func (g *Grants) Utime(path string, t inherit.FileTimes) error {
	return g.change("utime", path, func(r *root, rel string) error { return r.Utime(rel, t) })
}

// Truncate sets a size beneath a writable granted directory.
func (g *Grants) Truncate(path string, size int64) error {
	return g.change("truncate", path, func(r *root, rel string) error { return r.Truncate(rel, size) })
}

// Access reports true only where the policy also allows it: reading
// beneath a granted directory, writing beneath a writable one.
func (g *Grants) Access(path string, mode uint32) bool {
	r, rel, err := g.resolve("access", path, mode&inherit.AccessWrite != 0)
	if err != nil {
		return false
	}
	return r.Access(rel, mode)
}

// FileMode is FilePerm: a script cannot make a file set-uid or set-gid
// (which a child run as another user would trust), nor sticky.
func (g *Grants) FileMode(perm uint32) uint32 { return g.FilePerm(perm) }

// ChangeFd allows changing only a file the script opened for writing: a
// descriptor opened for reading (of a read-only directory, or granted
// read-only by the host) must not change its file.
func (g *Grants) ChangeFd(fd int, op string) error {
	w, err := inherit.OpenedForWriting(fd)
	if err != nil {
		return err
	}
	if !w {
		return &DeniedError{Op: op, Target: "fd " + strconv.Itoa(fd), Reason: "not open for writing", Errno: syscall.EPERM}
	}
	return nil
}

// Chdir changes the scripts' working directory, never the process's (the
// host's, shared by everything in it): relative paths then start there.
// It must be a directory beneath a granted one. The path is kept as
// written, cleaned, as a shell keeps $PWD.
func (g *Grants) Chdir(path string) error {
	r, rel, err := g.resolve("chdir", path, false)
	if err != nil {
		return err
	}
	st, err := r.Stat(rel, true)
	switch {
	case err != nil:
		return escapeErr("chdir", path, err)
	case !st.IsDir():
		return &fs.PathError{Op: "chdir", Path: path, Err: syscall.ENOTDIR}
	case !r.Access(rel, inherit.AccessExecute):
		return &fs.PathError{Op: "chdir", Path: path, Err: syscall.EACCES}
	}
	wd := filepath.Join(r.path, rel)
	g.cwd.Store(&wd)
	return nil
}

// Getcwd returns the scripts' working directory.
func (g *Grants) Getcwd() (string, error) {
	if len(g.roots) == 0 {
		return "", denied("getcwd", ".", "no file access granted")
	}
	return g.workdir(), nil
}

// Umask is refused: the mask is the whole process's, the host's too.
func (g *Grants) Umask(int) (int, error) {
	return 0, &DeniedError{Op: "umask", Target: "the process", Reason: "the umask is the host's", Errno: syscall.EPERM}
}

// Environ returns the variables the host allowed (AllowEnv).
func (g *Grants) Environ() []string {
	env := os.Environ()
	if g.allEnv {
		return env
	}
	out := env[:0]
	for _, kv := range env {
		if name, _, _ := strings.Cut(kv, "="); g.getenv[name] {
			out = append(out, kv)
		}
	}
	return out
}

// Signal allows only the runtime's own children.
func (g *Grants) Signal(pid int, child bool) error {
	if child {
		return nil
	}
	return &DeniedError{Op: "kill", Target: "pid " + strconv.Itoa(pid), Reason: "not a child of this runtime", Errno: syscall.EPERM}
}

// ChildCredential is refused: which user and groups a child runs as is
// the host's to say, and a host that runs as root would otherwise lend a
// script any identity on the system.
func (g *Grants) ChildCredential() error {
	return &DeniedError{Op: "spawn", Target: "user/group", Reason: "a child's user and groups are the host's", Errno: syscall.EPERM}
}

// ChildRlimit allows only a limit within the process's own hard limit:
// a child may be given less than the host has, never more, even when the
// host is privileged enough to raise it.
func (g *Grants) ChildRlimit(name string, lim inherit.Rlimit) error {
	hard, ok := inherit.HardLimit(lim.Resource)
	if !ok || lim.Cur > hard || lim.Max > hard {
		return &DeniedError{Op: "spawn", Target: "rlimits." + name, Reason: "above the host's own hard limit", Errno: syscall.EPERM}
	}
	return nil
}

// HandleSignals is refused unless AllowSignals granted it.
func (g *Grants) HandleSignals() error {
	if g.signals {
		return nil
	}
	return &DeniedError{Op: "require", Target: "signal", Reason: "a restricted runtime needs runtime.AllowSignals", Errno: syscall.EPERM}
}

// ReplaceProcess is refused: the process is the host's.
func (g *Grants) ReplaceProcess(path string) error {
	return &DeniedError{Op: "exec", Target: path, Reason: "os.exec replaces the host's process: not in a restricted runtime", Errno: syscall.EPERM}
}
