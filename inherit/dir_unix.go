//go:build unix

package inherit

import (
	"encoding/binary"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// direntBufSize is how much a DirReader asks the kernel for at a time:
// enough for several hundred entries per system call, as glibc's readdir.
const direntBufSize = 32 << 10

var direntBufs = sync.Pool{New: func() any { b := make([]byte, direntBufSize); return &b }}

// A DirReader reads the entries of a directory from a descriptor of it,
// a buffer at a time (getdents64 on Linux, getdirentries elsewhere). It
// never opens a descriptor of its own: the directory's descriptor is the
// caller's, to open close-on-exec (OpenDirAt, or Open with O_DIRECTORY)
// and to close.
type DirReader struct {
	fd       int
	buf      *[]byte
	pos, end int
}

// NewDirReader returns a reader of the directory open at fd.
func NewDirReader(fd int) *DirReader {
	return &DirReader{fd: fd, buf: direntBufs.Get().(*[]byte)}
}

// Next returns the next entry: its name and its type as FileStat.Mode's
// type bits (ModeDir, ModeLink, ...): what the directory says (d_type),
// or, where the file system says nothing, what fstatat says of the name
// in the directory, without following a link; 0 if that fails too (the
// entry went meanwhile). "." and ".." are skipped. At the end, ok is
// false.
func (d *DirReader) Next() (name string, mode uint32, ok bool, err error) {
	name, mode, ok, err = d.next()
	if ok && mode == 0 {
		if st, err := Fstatat(d.fd, name, false); err == nil {
			mode = st.Mode & ModeType
		}
	}
	return name, mode, ok, err
}

// NextName is Next for a caller that needs only names: it never asks
// fstatat.
func (d *DirReader) NextName() (name string, ok bool, err error) {
	name, _, ok, err = d.next()
	return name, ok, err
}

// next returns the next entry and its d_type's mode.
func (d *DirReader) next() (name string, mode uint32, ok bool, err error) {
	if d.buf == nil {
		return "", 0, false, nil
	}
	for {
		if d.pos >= d.end {
			n, err := ignoringEINTR2(func() (int, error) { return readDirent(d.fd, *d.buf) })
			if err != nil {
				return "", 0, false, os.NewSyscallError("getdents", err)
			}
			if n <= 0 {
				d.Release()
				return "", 0, false, nil
			}
			d.pos, d.end = 0, n
		}
		rec := (*d.buf)[d.pos:d.end]
		reclen, ok := readUint(rec, offReclen, 2)
		if !ok || reclen == 0 || int(reclen) > len(rec) {
			d.pos = d.end // a record the kernel cannot have written: skip the rest
			continue
		}
		rec = rec[:reclen]
		d.pos += int(reclen)
		ino, _ := readUint(rec, offIno, 8)
		raw := direntName(rec)
		if ino == 0 || len(raw) == 0 || raw[0] == '.' && (len(raw) == 1 || len(raw) == 2 && raw[1] == '.') {
			continue // a deleted entry (BSDs), or "." or ".."
		}
		return string(raw), dtMode(rec[offType]), true, nil
	}
}

// Release gives the reader's buffer back; Next then reports the end.
func (d *DirReader) Release() {
	if d.buf != nil {
		direntBufs.Put(d.buf)
		d.buf = nil
	}
}

// readUint reads a native-endian integer of size bytes at off in rec.
func readUint(rec []byte, off uintptr, size int) (uint64, bool) {
	if len(rec) < int(off)+size {
		return 0, false
	}
	b := rec[off:]
	switch size {
	case 1:
		return uint64(b[0]), true
	case 2:
		return uint64(binary.NativeEndian.Uint16(b)), true
	case 4:
		return uint64(binary.NativeEndian.Uint32(b)), true
	}
	return binary.NativeEndian.Uint64(b), true
}

// dtMode turns a d_type into FileStat.Mode's type bits.
func dtMode(t byte) uint32 {
	switch t {
	case unix.DT_REG:
		return ModeFile
	case unix.DT_DIR:
		return ModeDir
	case unix.DT_LNK:
		return ModeLink
	case unix.DT_FIFO:
		return ModeFifo
	case unix.DT_SOCK:
		return ModeSocket
	case unix.DT_CHR:
		return ModeChar
	case unix.DT_BLK:
		return ModeBlock
	}
	return 0
}
