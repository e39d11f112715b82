package policy

import (
	"errors"
	"syscall"

	"github.com/safesh/safesh/internal/posixpath"
)

// MakeDirs makes the directory path and its missing parents through p,
// as Python's os.makedirs: the parents with mode 0777 and path with perm
// (both before the umask, and what p.FileMode allows); an existing
// directory at path is an error unless existOK. It tries mkdir first and
// climbs only on ENOENT, so that a path whose parent exists costs one
// call.
func MakeDirs(p Policy, path string, perm uint32, existOK bool) error {
	err := p.Mkdir(path, perm)
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.ENOENT) {
		head, tail := posixpath.Split(path)
		if tail == "" {
			head, tail = posixpath.Split(head)
		}
		if head != "" && tail != "" {
			if perr := MakeDirs(p, head, 0o777, true); perr != nil {
				return perr
			}
			if tail == "." {
				return nil // "x/new/." exists once "x/new" does
			}
			if err = p.Mkdir(path, perm); err == nil {
				return nil
			}
		}
	}
	// EEXIST, or another error that a directory already there may have
	// taken precedence over (EACCES, EROFS), as in Python.
	if existOK {
		if st, serr := p.Stat(path, true); serr == nil && st.IsDir() {
			return nil
		}
	}
	return err
}
