//go:build unix

package inherit

import (
	"io/fs"
	"os"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Exec replaces the process with the program at path, given argv, as
// attr describes (nil: only the image changes), as execve(2) does. The
// new image gets exactly the descriptors that are inheritable, and
// attr.Fds and attr.PassFds: the kernel closes every close-on-exec one,
// which every descriptor this package creates is, and the Go runtime's
// are.
//
// It returns only on failure, with the process as it was. On Linux the
// directory, umask and descriptor moves are made in a thread whose
// descriptor table and file system context are its own
// (unshare(CLONE_FILES|CLONE_FS)), and which ends after a failed exec:
// the rest of the process never sees them. The limits, signal
// dispositions and IDs belong to the whole process: they are changed
// just before the exec and changed back after a failed one, in reverse
// order. What cannot be changed back is a hard limit lowered without
// privilege. IDs keep the saved set-user-ID and set-group-ID until the
// exec, which replaces them with the new effective ones, so a failed exec
// can return to the old ones.
func Exec(path string, argv []string, attr *ExecAttr) error {
	if attr == nil {
		attr = &ExecAttr{}
	}
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	if err := checkExecAttr(attr); err != nil {
		return err
	}
	return execImage(path, argv, env, attr)
}

// checkExecAttr checks what Exec can check before it changes anything.
func checkExecAttr(attr *ExecAttr) error {
	pass, err := passFds(attr.PassFds, 0)
	if err != nil {
		return err
	}
	for n, fd := range attr.Fds {
		if n < 3 {
			return &fs.PathError{Op: "exec", Path: "fd " + strconv.Itoa(n), Err: syscall.EINVAL}
		}
		pass = append(pass, fd)
	}
	if err := checkOpen(nil, pass); err != nil {
		return err
	}
	if attr.Credential != nil && !execCredentials {
		return &fs.PathError{Op: "exec", Path: "user", Err: syscall.ENOSYS}
	}
	return checkAttr(&ProcAttr{Umask: attr.Umask, Rlimits: attr.Rlimits})
}

// undoList is what a failed exec changes back, last change first.
type undoList []func()

func (u *undoList) add(f func()) { *u = append(*u, f) }

func (u undoList) run() {
	for i := len(u) - 1; i >= 0; i-- {
		u[i]()
	}
}

// execShared is Exec where the descriptor table and directory are the
// whole process's: each change is undone after a failed exec, and a
// descriptor can be moved only to a free number (EBUSY otherwise).
func execShared(path string, argv, env []string, attr *ExecAttr) error {
	var undo undoList
	defer func() { undo.run() }()
	if attr.Dir != "" {
		saved, err := Openat(unix.AT_FDCWD, ".", oDirHandle, 0)
		if err != nil {
			return &fs.PathError{Op: "exec", Path: path, Err: errnoOf(err)}
		}
		undo.add(func() { unix.Close(saved) })
		if err := Chdir(attr.Dir); err != nil {
			return err
		}
		undo.add(func() { Fchdir(saved) })
	}
	if attr.Umask != nil {
		old := unix.Umask(*attr.Umask)
		undo.add(func() { unix.Umask(old) })
	}
	for _, fd := range attr.PassFds {
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == nil && flags&unix.FD_CLOEXEC != 0 {
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags&^unix.FD_CLOEXEC); err != nil {
				return &fs.PathError{Op: "exec", Path: "pass fd " + strconv.Itoa(fd), Err: err}
			}
			undo.add(func() { unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags) })
		}
	}
	for _, n := range sortedKeys(attr.Fds) {
		if _, err := unix.FcntlInt(uintptr(n), unix.F_GETFD, 0); err == nil {
			return &fs.PathError{Op: "exec", Path: "fd " + strconv.Itoa(n) + " (in use in this process)", Err: syscall.EBUSY}
		}
		if err := dupRetrying(func() error { return unix.Dup2(attr.Fds[n], n) }); err != nil { // inheritable, as dup2 makes it
			return &fs.PathError{Op: "exec", Path: "fd " + strconv.Itoa(n), Err: err}
		}
		undo.add(func() { unix.Close(n) })
	}
	return execProcessWide(path, argv, env, attr, &undo)
}

// execProcessWide makes the changes that belong to the whole process,
// adding their undoing to undo, and execs. A hard limit lowered without
// privilege cannot be raised again: those are lowered last, once every
// other change is made and the program is known to be an executable file
// the new IDs may run, so that only an exec that fails in the kernel
// itself (ENOEXEC, E2BIG, ENOMEM, ...) leaves them lowered.
func execProcessWide(path string, argv, env []string, attr *ExecAttr, undo *undoList) error {
	var lower []Rlimit
	for _, r := range attr.Rlimits {
		var cur unix.Rlimit
		if err := unix.Getrlimit(r.Resource, &cur); err != nil {
			return os.NewSyscallError("getrlimit", err)
		}
		old := cur
		step := r
		if hard := rlimitFromUnix(cur).Max; r.Max < hard {
			step.Max = hard
			lower = append(lower, r)
		}
		lim := unixRlimit(step)
		if err := unix.Setrlimit(r.Resource, &lim); err != nil {
			return os.NewSyscallError("setrlimit", err)
		}
		undo.add(func() { unix.Setrlimit(r.Resource, &old) })
	}
	if err := execSignals(attr, undo); err != nil {
		return err
	}
	if err := execCredential(attr.Credential, undo); err != nil {
		return err
	}
	if len(lower) > 0 {
		if err := executable(path); err != nil {
			return &fs.PathError{Op: "exec", Path: path, Err: err}
		}
		for _, r := range lower {
			lim := unixRlimit(r)
			if err := unix.Setrlimit(r.Resource, &lim); err != nil {
				return os.NewSyscallError("setrlimit", err)
			}
		}
	}
	if err := syscall.Exec(path, argv, env); err != nil {
		return &fs.PathError{Op: "exec", Path: path, Err: err}
	}
	return nil
}

// executable returns the error execve would give for path on the
// grounds it can check beforehand: a file that is missing, not a regular
// file, or not executable by the effective IDs.
func executable(path string) error {
	var st unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Stat(path, &st) }); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return syscall.EACCES
	}
	return unix.Faccessat(unix.AT_FDCWD, path, unix.X_OK, unix.AT_EACCESS)
}

func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// errnoOf returns the errno err wraps, or err.
func errnoOf(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Kill sends sig to the process pid (a process group if pid is negative;
// 0 checks only that the process exists and may be signalled).
func Kill(pid int, sig syscall.Signal) error {
	if err := unix.Kill(pid, sig); err != nil {
		return os.NewSyscallError("kill", err)
	}
	return nil
}

// GetUname returns what uname(2) says.
func GetUname() (Uname, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return Uname{}, os.NewSyscallError("uname", err)
	}
	return Uname{
		Sysname:  unix.ByteSliceToString(u.Sysname[:]),
		Nodename: unix.ByteSliceToString(u.Nodename[:]),
		Release:  unix.ByteSliceToString(u.Release[:]),
		Version:  unix.ByteSliceToString(u.Version[:]),
		Machine:  unix.ByteSliceToString(u.Machine[:]),
	}, nil
}
