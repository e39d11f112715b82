package inherit

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// PipeBuf is how many bytes a write to a pipe that poll reports writable
// takes without blocking, if no one else writes to it meanwhile: Linux
// reports a pipe writable while one page of it is free.
const PipeBuf = 4096

// WriteNoWait writes what fits of p to fd without waiting for room:
// pwritev2 with RWF_NOWAIT, which Linux honours on pipes (not on FIFOs
// opened by name, terminals, or most files). A full pipe gives EAGAIN;
// a descriptor without the flag gives errors.ErrUnsupported, and nothing
// is written.
func WriteNoWait(fd int, p []byte) (int, error) {
	n, err := ignoringEINTR2(func() (int, error) { return unix.Pwritev2(fd, [][]byte{p}, -1, unix.RWF_NOWAIT) })
	switch err {
	case nil:
		return n, nil
	case unix.EOPNOTSUPP, unix.EINVAL, unix.ENOSYS, unix.ESPIPE:
		return 0, errors.ErrUnsupported
	}
	return 0, os.NewSyscallError("write", err)
}
