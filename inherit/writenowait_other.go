//go:build !linux

package inherit

import "errors"

// PipeBuf is how many bytes a write to a pipe that poll reports writable
// takes without blocking, if no one else writes to it meanwhile: POSIX's
// least PIPE_BUF.
const PipeBuf = 512

// WriteNoWait is not available: it returns errors.ErrUnsupported.
func WriteNoWait(fd int, p []byte) (int, error) { return 0, errors.ErrUnsupported }
