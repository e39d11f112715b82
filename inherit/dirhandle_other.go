//go:build unix && !linux

package inherit

import "golang.org/x/sys/unix"

// oDirHandle opens a directory only to come back to it (fchdir) or to
// name files in it.
const oDirHandle = unix.O_RDONLY | unix.O_DIRECTORY
