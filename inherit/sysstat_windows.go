package inherit

import "io/fs"

// sysStat converts what os.Root's Stat found: on Windows, what fs.FileInfo
// says (the type, the permission bits Go derives, the size and the
// modification time).
func sysStat(fi fs.FileInfo) FileStat {
	mode := uint32(fi.Mode().Perm())
	switch {
	case fi.IsDir():
		mode |= ModeDir
	case fi.Mode()&fs.ModeSymlink != 0:
		mode |= ModeLink
	case fi.Mode().IsRegular():
		mode |= ModeFile
	}
	return FileStat{Mode: mode, Size: fi.Size(), Nlink: 1, Mtime: fi.ModTime().UnixNano()}
}
