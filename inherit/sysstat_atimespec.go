//go:build darwin || freebsd || netbsd

package inherit

import (
	"io/fs"
	"syscall"
)

// sysStat converts what os.Root's Stat found.
func sysStat(fi fs.FileInfo) FileStat {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return FileStat{Size: fi.Size(), Mtime: fi.ModTime().UnixNano()}
	}
	return FileStat{
		Mode: uint32(st.Mode), Size: st.Size, Ino: uint64(st.Ino), Dev: uint64(st.Dev),
		Nlink: uint64(st.Nlink), Uid: st.Uid, Gid: st.Gid,
		Atime: st.Atimespec.Nano(), Mtime: st.Mtimespec.Nano(), Ctime: st.Ctimespec.Nano(),
	}
}
