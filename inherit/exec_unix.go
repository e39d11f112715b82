//go:build unix

package inherit

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Exec replaces the process with the program at path, given argv and env
// (nil: the process's own environment), in the directory dir ("" keeps
// the working directory), as execve(2) does. The new image gets exactly
// the descriptors that are inheritable: the kernel closes every
// close-on-exec one, which every descriptor this package creates is, and
// the Go runtime's own are. It returns only on failure, with the process
// as it was: the working directory is restored if it was changed.
func Exec(path string, argv, env []string, dir string) error {
	if env == nil {
		env = os.Environ()
	}
	if dir != "" {
		saved, err := Openat(unix.AT_FDCWD, ".", oDirHandle, 0)
		if err != nil {
			return &fs.PathError{Op: "exec", Path: path, Err: errnoOf(err)}
		}
		defer unix.Close(saved)
		if err := Chdir(dir); err != nil {
			return err
		}
		defer Fchdir(saved)
	}
	if err := syscall.Exec(path, argv, env); err != nil {
		return &fs.PathError{Op: "exec", Path: path, Err: err}
	}
	return nil
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
