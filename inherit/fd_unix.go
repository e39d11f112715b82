//go:build unix

// This file implements the descriptor primitives that are atomic on every
// unix: Open (O_CLOEXEC), Dup (F_DUPFD_CLOEXEC), and the plain I/O calls.

package inherit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Open is like unix.Open, but the new descriptor is close-on-exec from the
// moment it exists: O_CLOEXEC is always added to flag. Errors are
// *fs.PathError with Op "open".
func Open(path string, flag int, perm uint32) (int, error) {
	fd, err := ignoringEINTR2(func() (int, error) { return unix.Open(path, flag|unix.O_CLOEXEC, perm) })
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return fd, nil
}

// Dup is like unix.Dup, but the new descriptor is close-on-exec from the
// moment it exists (fcntl F_DUPFD_CLOEXEC). It returns the lowest free
// descriptor number.
func Dup(fd int) (int, error) {
	return DupMin(fd, 0)
}

// DupMin is like Dup, but returns the lowest free descriptor number that is
// greater than or equal to min.
func DupMin(fd, min int) (int, error) {
	nfd, err := ignoringEINTR2(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, min) })
	if err != nil {
		return -1, os.NewSyscallError("dup", err)
	}
	return nfd, nil
}

// Inheritable reports whether fd is inheritable, that is, whether its
// close-on-exec flag is clear.
func Inheritable(fd int) (bool, error) {
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil {
		return false, os.NewSyscallError("get_inheritable", err)
	}
	return flags&unix.FD_CLOEXEC == 0, nil
}

// Close closes fd. It is never retried on EINTR: on Linux the descriptor is
// released even when close reports an error, and a retry could close a
// descriptor that another goroutine has just been given.
func Close(fd int) error {
	if err := unix.Close(fd); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// Read is like unix.Read, retried on EINTR.
func Read(fd int, p []byte) (int, error) {
	n, err := ignoringEINTR2(func() (int, error) { return unix.Read(fd, p) })
	if err != nil {
		return 0, os.NewSyscallError("read", err)
	}
	return n, nil
}

// Write is like unix.Write, retried on EINTR. Like write(2), it may write
// fewer bytes than len(p); see WriteAll.
func Write(fd int, p []byte) (int, error) {
	n, err := ignoringEINTR2(func() (int, error) { return unix.Write(fd, p) })
	if err != nil {
		return 0, os.NewSyscallError("write", err)
	}
	return n, nil
}

// WriteAll writes all of p to fd, looping over short writes. It returns
// the number of bytes written before any error.
func WriteAll(fd int, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := Write(fd, p[done:])
		done += n
		if err != nil {
			return done, err
		}
		if n == 0 {
			return done, os.NewSyscallError("write", unix.EIO)
		}
	}
	return done, nil
}

// Seek is like unix.Seek. whence is one of io.SeekStart, io.SeekCurrent
// and io.SeekEnd.
func Seek(fd int, offset int64, whence int) (int64, error) {
	pos, err := unix.Seek(fd, offset, whence)
	if err != nil {
		return -1, os.NewSyscallError("lseek", err)
	}
	return pos, nil
}

// Size returns the size of the file fd refers to (fstat's st_size).
func Size(fd int) (int64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, os.NewSyscallError("fstat", err)
	}
	return st.Size, nil
}

// OpenTmpfile creates an unnamed file in dir, open for reading and
// writing, that disappears when its last descriptor is closed (C's
// tmpfile). The descriptor is close-on-exec from the moment it exists.
// It uses O_TMPFILE where the OS and file system have it, and otherwise
// creates a file exclusively (mode 0600) and removes it at once.
func OpenTmpfile(dir string) (int, error) {
	if oTmpfile != 0 {
		if fd, err := Open(dir, oTmpfile|unix.O_RDWR, 0o600); err == nil {
			return fd, nil
		}
	}
	fd, name, err := CreateTemp(dir, "safesh-tmp-")
	if err != nil {
		return -1, err
	}
	unix.Unlink(name)
	return fd, nil
}

// CreateTemp creates a new file in dir named prefix followed by random
// characters, exclusively (O_EXCL, mode 0600), and returns its descriptor,
// close-on-exec from the moment it exists, and its name.
func CreateTemp(dir, prefix string) (int, string, error) {
	for i := 0; ; i++ {
		name := filepath.Join(dir, tempName(prefix))
		fd, err := Open(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600)
		if err == nil {
			return fd, name, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 100 {
			return -1, "", err
		}
	}
}
