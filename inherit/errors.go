//go:build !linux

package inherit

import (
	"errors"
	goruntime "runtime"
)

// unsupportedError is returned by primitives this platform lacks.
type unsupportedError struct{ op string }

func (e *unsupportedError) Error() string {
	return e.op + ": not supported on " + goruntime.GOOS
}

// Is reports whether target is errors.ErrUnsupported, so callers can test
// for it without knowing this type.
func (e *unsupportedError) Is(target error) bool { return target == errors.ErrUnsupported }

func unsupported(op string) error { return &unsupportedError{op: op} }
