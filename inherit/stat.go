package inherit

// FileStat is what stat(2) says of a file, in the same form on every
// platform.
type FileStat struct {
	Mode  uint32 // st_mode: the type (S_IFMT bits) and the permission bits
	Size  int64
	Ino   uint64
	Dev   uint64
	Nlink uint64
	Uid   uint32
	Gid   uint32
	// Atime, Mtime and Ctime are nanoseconds since the epoch.
	Atime, Mtime, Ctime int64
}

// The file type bits of FileStat.Mode, the same on every unix.
const (
	ModeType   = 0o170000
	ModeSocket = 0o140000
	ModeLink   = 0o120000
	ModeFile   = 0o100000
	ModeBlock  = 0o060000
	ModeDir    = 0o040000
	ModeChar   = 0o020000
	ModeFifo   = 0o010000
)

// IsDir reports whether the file is a directory.
func (s *FileStat) IsDir() bool { return s.Mode&ModeType == ModeDir }

// IsLink reports whether the file is a symbolic link.
func (s *FileStat) IsLink() bool { return s.Mode&ModeType == ModeLink }

// IsRegular reports whether the file is a regular file.
func (s *FileStat) IsRegular() bool { return s.Mode&ModeType == ModeFile }

// Perm returns the permission bits, set-uid, set-gid and sticky included
// (mode % 4096).
func (s *FileStat) Perm() uint32 { return s.Mode & 0o7777 }

// SameFile reports whether s and t are the same file: the same device and
// inode.
func (s *FileStat) SameFile(t *FileStat) bool { return s.Dev == t.Dev && s.Ino == t.Ino }

// Type names the file's type as scripts see it: "file", "dir", "link",
// "fifo", "socket", "char", "block", or "unknown".
func (s *FileStat) Type() string { return TypeName(s.Mode) }

// TypeName names the file type in mode's S_IFMT bits (see FileStat.Type).
func TypeName(mode uint32) string {
	switch mode & ModeType {
	case ModeFile:
		return "file"
	case ModeDir:
		return "dir"
	case ModeLink:
		return "link"
	case ModeFifo:
		return "fifo"
	case ModeSocket:
		return "socket"
	case ModeChar:
		return "char"
	case ModeBlock:
		return "block"
	}
	return "unknown"
}

// FileTimes are the access and modification times to give a file, in
// nanoseconds since the epoch; with Now set, the current time instead.
type FileTimes struct {
	Atime, Mtime int64
	Now          bool
}

// The modes of Access, which may be added up: access(2)'s F_OK, R_OK,
// W_OK and X_OK, the same on every unix.
const (
	AccessExists  = 0
	AccessRead    = 4
	AccessWrite   = 2
	AccessExecute = 1
)
