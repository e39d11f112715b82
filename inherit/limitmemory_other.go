//go:build !linux

package inherit

// LimitMemory is supported on Linux only.
func LimitMemory(extra uint64) error { return unsupported("memory limit") }
