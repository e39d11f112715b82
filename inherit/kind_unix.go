//go:build unix

package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// KindOf returns the kind of fd.
func KindOf(fd int) (Kind, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return KindOther, os.NewSyscallError("fstat", err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFDIR, unix.S_IFBLK:
		return KindFile, nil
	case unix.S_IFIFO:
		return KindPipe, nil
	case unix.S_IFSOCK:
		return KindSocket, nil
	case unix.S_IFCHR:
		if isTerminal(fd) {
			return KindTTY, nil
		}
		return KindFile, nil
	case 0:
		return KindAnon, nil
	}
	return KindOther, nil
}

// IsTerminal reports whether fd is a terminal.
func IsTerminal(fd int) bool { return isTerminal(fd) }
