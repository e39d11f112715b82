//go:build !linux

package inherit

import "syscall"

var errCrossRoot = syscall.EXDEV
