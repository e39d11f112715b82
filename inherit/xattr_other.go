//go:build !linux

package inherit

// CopyXattrs copies nothing here: extended attributes are copied on Linux
// only, as Python's shutil.copy2 does.
func CopyXattrs(dst, src int, keep func(name string) bool) error { return nil }
