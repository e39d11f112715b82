package inherit

import (
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// CopyXattrs copies the extended attributes of the file src refers to
// onto the file dst refers to, as Python's shutil.copy2 does on Linux:
// those whose name keep allows (nil: all). Attributes the file systems or
// the caller's privileges refuse (ENOTSUP, ENODATA, EPERM, EINVAL, and
// EACCES) are passed over, as Python's are; other errors are returned.
func CopyXattrs(dst, src int, keep func(name string) bool) error {
	names, err := listXattrs(src)
	if err != nil {
		if skippedXattr(err) {
			return nil
		}
		return os.NewSyscallError("flistxattr", err)
	}
	for _, name := range names {
		if keep != nil && !keep(name) {
			continue
		}
		value, err := getXattr(src, name)
		if err == nil {
			err = ignoringEINTR(func() error { return unix.Fsetxattr(dst, name, value, 0) })
		}
		if err != nil && !skippedXattr(err) {
			return os.NewSyscallError("fsetxattr", err)
		}
	}
	return nil
}

func skippedXattr(err error) bool {
	switch err {
	case unix.ENOTSUP, unix.ENODATA, unix.EPERM, unix.EINVAL, unix.EACCES:
		return true
	}
	return false
}

// listXattrs returns the names of fd's extended attributes.
func listXattrs(fd int) ([]string, error) {
	for {
		n, err := unix.Flistxattr(fd, nil)
		if err != nil || n == 0 {
			return nil, err
		}
		buf := make([]byte, n)
		m, err := unix.Flistxattr(fd, buf)
		if err == unix.ERANGE {
			continue // the list grew meanwhile
		}
		if err != nil {
			return nil, err
		}
		return strings.Split(strings.TrimSuffix(string(buf[:m]), "\x00"), "\x00"), nil
	}
}

func getXattr(fd int, name string) ([]byte, error) {
	for {
		n, err := unix.Fgetxattr(fd, name, nil)
		if err != nil {
			return nil, err
		}
		buf := make([]byte, n)
		m, err := unix.Fgetxattr(fd, name, buf)
		if err == unix.ERANGE {
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:m], nil
	}
}
