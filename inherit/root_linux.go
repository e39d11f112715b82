// This file implements Root for Linux, with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS).

package inherit

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

const resolveBeneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS

// OpenRoot opens dir as a Root.
func OpenRoot(dir string) (*Root, error) {
	fd, err := Open(dir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, err
	}
	// Probe openat2 once per root: kernels before 5.6 say ENOSYS.
	probe, err := unix.Openat2(fd, ".", &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: resolveBeneath})
	if err == nil {
		unix.Close(probe)
		return &Root{name: dir, fd: fd}, nil
	}
	unix.Close(fd)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		return openRootFallback(dir)
	}
	return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
}

// openat2 opens path beneath r; EINTR and EAGAIN (a rename raced the
// lookup) are retried.
func (r *Root) openat2(path string, flag int, perm uint32) (int, error) {
	how := &unix.OpenHow{Flags: uint64(flag) | unix.O_CLOEXEC, Mode: uint64(perm), Resolve: resolveBeneath}
	if flag&(unix.O_CREAT|unix.O_TMPFILE) == 0 {
		how.Mode = 0
	}
	for {
		fd, err := unix.Openat2(r.fd, path, how)
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		return fd, err
	}
}

// Open opens path, relative to the root, as Open does; the descriptor is
// close-on-exec from the moment it exists. A path that would leave the
// root fails with EXDEV.
func (r *Root) Open(path string, flag int, perm uint32) (int, error) {
	rel, err := cleanRel("open", path)
	if err != nil {
		return -1, err
	}
	if r.root != nil {
		return r.openFallback(rel, flag, perm)
	}
	fd, err := r.openat2(rel, flag, perm)
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return fd, nil
}

// parent opens the directory that holds path, beneath the root.
func (r *Root) parent(op, path string) (int, string, error) {
	rel, err := cleanRel(op, path)
	if err != nil {
		return -1, "", err
	}
	dir, base, err := splitParent(op, rel)
	if err != nil {
		return -1, "", err
	}
	pfd, err := r.openat2(dir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		return -1, "", &fs.PathError{Op: op, Path: path, Err: err}
	}
	return pfd, base, nil
}

// Remove removes the file or empty directory at path, beneath the root.
func (r *Root) Remove(path string) error {
	if r.root != nil {
		return r.root.Remove(path)
	}
	pfd, base, err := r.parent("remove", path)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	err = unix.Unlinkat(pfd, base, 0)
	if err == unix.EISDIR || err == unix.EPERM {
		if err2 := unix.Unlinkat(pfd, base, unix.AT_REMOVEDIR); err2 == nil || err2 != unix.ENOTDIR {
			err = err2
		}
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}

// Rename renames from (beneath r) to to (beneath toRoot).
func (r *Root) Rename(from string, toRoot *Root, to string) error {
	if r.root != nil || toRoot.root != nil {
		if r.root == nil || toRoot.root == nil || r.name != toRoot.name {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: unix.EXDEV}
		}
		return r.root.Rename(from, to)
	}
	ofd, obase, err := r.parent("rename", from)
	if err != nil {
		return err
	}
	defer unix.Close(ofd)
	nfd, nbase, err := toRoot.parent("rename", to)
	if err != nil {
		return err
	}
	defer unix.Close(nfd)
	if err := unix.Renameat(ofd, obase, nfd, nbase); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}
