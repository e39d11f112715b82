package inherit

import "golang.org/x/sys/unix"

// oDirHandle opens a directory only to come back to it (fchdir) or to
// name files in it: O_PATH needs no permission to read it.
const oDirHandle = unix.O_PATH | unix.O_DIRECTORY

// OHandle opens a file only to ask about it (fstat, fstatfs): O_PATH
// needs no permission on the file, and never blocks on a FIFO.
const OHandle = unix.O_PATH
