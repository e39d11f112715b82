//go:build !linux

// This file implements Root with Go's os.Root, for platforms without
// openat2.

package inherit

import "os"

// OpenRoot opens dir as a Root.
func OpenRoot(dir string) (*Root, error) { return openRootFallback(dir) }

// Open opens path, relative to the root; the descriptor is close-on-exec.
func (r *Root) Open(path string, flag int, perm uint32) (int, error) {
	rel, err := cleanRel("open", path)
	if err != nil {
		return -1, err
	}
	return r.openFallback(rel, flag, perm)
}

// Remove removes the file or empty directory at path, beneath the root.
func (r *Root) Remove(path string) error { return r.root.Remove(path) }

// Rename renames from (beneath r) to to (beneath toRoot, which must be the
// same directory here).
func (r *Root) Rename(from string, toRoot *Root, to string) error {
	if toRoot.name != r.name {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: errCrossRoot}
	}
	return r.root.Rename(from, to)
}
