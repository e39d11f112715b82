//go:build !linux

package inherit

import "syscall"

// Descendants returns nil: without /proc, a tree is killed through its
// process group only.
func Descendants(pid int) []int { return nil }

// SignalPid does nothing: Descendants lists no pid here.
func SignalPid(pid int, sig syscall.Signal) error { return nil }
