//go:build unix && !linux

package inherit

import "golang.org/x/sys/unix"

// oDirHandle opens a directory only to come back to it (fchdir) or to
// name files in it.
const oDirHandle = unix.O_RDONLY | unix.O_DIRECTORY

// OHandle opens a file only to ask about it (fstat, fstatfs): for
// reading, without blocking on a FIFO or taking a terminal.
const OHandle = unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOCTTY

const (
	oDirRead  = unix.O_RDONLY | unix.O_DIRECTORY
	oNoFollow = unix.O_NOFOLLOW
)
