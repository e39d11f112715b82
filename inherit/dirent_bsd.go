//go:build freebsd || netbsd || openbsd

package inherit

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

var (
	offReclen = unsafe.Offsetof(unix.Dirent{}.Reclen)
	offIno    = unsafe.Offsetof(unix.Dirent{}.Fileno)
	offType   = unsafe.Offsetof(unix.Dirent{}.Type)
	offName   = unsafe.Offsetof(unix.Dirent{}.Name)
	offNamlen = unsafe.Offsetof(unix.Dirent{}.Namlen)
	szNamlen  = int(unsafe.Sizeof(unix.Dirent{}.Namlen))
)

// readDirent is getdirentries.
func readDirent(fd int, buf []byte) (int, error) { return unix.ReadDirent(fd, buf) }

// direntName returns the name in a dirent record, d_namlen bytes long.
func direntName(rec []byte) []byte {
	n, ok := readUint(rec, offNamlen, szNamlen)
	if !ok || uintptr(len(rec)) < offName+uintptr(n) {
		return nil
	}
	return rec[offName : offName+uintptr(n)]
}
