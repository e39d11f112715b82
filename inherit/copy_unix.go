//go:build unix

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// copyChunk is how much one in-kernel copy call moves at most: small
// enough that stop is asked often (a few times a second on a slow disk),
// large enough that the calls cost nothing beside the copy.
const copyChunk = 64 << 20

// copyBufSize is the buffer of the read/write loop.
const copyBufSize = 256 << 10

// CopyFd copies what src holds from its current offset to its end into
// dst at dst's offset, and returns how many bytes it copied. It copies
// inside the kernel where it can: copy_file_range, then sendfile (Linux),
// then a read/write loop; each is tried only if the one before refuses
// at the start with an error that means "not here" (ENOSYS, EXDEV,
// EINVAL, EOPNOTSUPP, EPERM, EIO), or copies nothing at all, as
// copy_file_range does on some file systems (procfs, sysfs) that report a
// size of 0. Once bytes are copied, an error is returned as it is. stop,
// if not nil, is asked between chunks; an error from it ends the copy and
// is returned.
func CopyFd(dst, src int, stop func() error) (int64, error) {
	for _, step := range copySteps {
		n, refused, err := step(dst, src, stop)
		if !refused {
			return n, err
		}
	}
	return 0, nil
}

// refusedHere reports whether errno, at the start of a copy, means that
// this way of copying does not work for these files.
func refusedHere(err error) bool {
	switch err {
	case unix.ENOSYS, unix.EXDEV, unix.EINVAL, unix.EOPNOTSUPP, unix.EPERM, unix.EIO:
		return true
	}
	return false
}

// A copyStep is one way of copying. It reports refused, having copied
// nothing, if CopyFd must try the next way.
type copyStep func(dst, src int, stop func() error) (n int64, refused bool, err error)

// copyInKernel runs call (copy_file_range or sendfile) until it reports
// the end.
func copyInKernel(name string, call func() (int, error), stop func() error) (int64, bool, error) {
	var done int64
	for {
		if stop != nil {
			if err := stop(); err != nil {
				return done, false, err
			}
		}
		n, err := ignoringEINTR2(call)
		if err != nil {
			if done == 0 && refusedHere(err) {
				return 0, true, nil
			}
			return done, false, os.NewSyscallError(name, err)
		}
		if n == 0 {
			// Nothing at all copied: the file is empty, or the file
			// system does not say what it holds; the next way finds out.
			return done, done == 0, nil
		}
		done += int64(n)
	}
}

// copyReadWrite is the read/write loop.
func copyReadWrite(dst, src int, stop func() error) (int64, bool, error) {
	buf := make([]byte, copyBufSize)
	var done int64
	for {
		if stop != nil {
			if err := stop(); err != nil {
				return done, false, err
			}
		}
		n, err := Read(src, buf)
		if err != nil {
			return done, false, err
		}
		if n == 0 {
			return done, false, nil
		}
		w, err := WriteAll(dst, buf[:n])
		done += int64(w)
		if err != nil {
			return done, false, err
		}
	}
}
