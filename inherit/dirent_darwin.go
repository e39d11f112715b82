package inherit

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

var (
	offReclen = unsafe.Offsetof(unix.Dirent{}.Reclen)
	offIno    = unsafe.Offsetof(unix.Dirent{}.Ino)
	offType   = unsafe.Offsetof(unix.Dirent{}.Type)
	offName   = unsafe.Offsetof(unix.Dirent{}.Name)
	offNamlen = unsafe.Offsetof(unix.Dirent{}.Namlen)
	szNamlen  = int(unsafe.Sizeof(unix.Dirent{}.Namlen))
)

// readDirent reads entries as x/sys does on darwin, which has no
// getdirentries for 64-bit inodes: it opens a second descriptor of the
// directory (openat(".") without O_CLOEXEC) for fdopendir, and closes it
// before returning. That descriptor is inheritable while it exists, so the
// call runs under syscall.ForkLock, as every ForkLock fallback does (see
// doc.go). Each call starts again from the beginning of the directory and
// skips what earlier calls returned: a huge directory costs time
// quadratic in its size (not tested here: Linux only).
func readDirent(fd int, buf []byte) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	return unix.ReadDirent(fd, buf)
}

// direntName returns the name in a dirent record, d_namlen bytes long.
func direntName(rec []byte) []byte {
	n, ok := readUint(rec, offNamlen, szNamlen)
	if !ok || uintptr(len(rec)) < offName+uintptr(n) {
		return nil
	}
	return rec[offName : offName+uintptr(n)]
}
