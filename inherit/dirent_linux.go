package inherit

import (
	"bytes"
	"unsafe"

	"golang.org/x/sys/unix"
)

var (
	offReclen = unsafe.Offsetof(unix.Dirent{}.Reclen)
	offIno    = unsafe.Offsetof(unix.Dirent{}.Ino)
	offType   = unsafe.Offsetof(unix.Dirent{}.Type)
	offName   = unsafe.Offsetof(unix.Dirent{}.Name)
)

// readDirent is getdents64.
func readDirent(fd int, buf []byte) (int, error) { return unix.Getdents(fd, buf) }

// direntName returns the name in a linux_dirent64 record: what follows the
// header, up to its terminating NUL (the record is padded).
func direntName(rec []byte) []byte {
	if uintptr(len(rec)) <= offName {
		return nil
	}
	name := rec[offName:]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return name
}
