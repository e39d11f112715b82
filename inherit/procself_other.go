//go:build !linux

package inherit

// OwnProcEntry reports false: only Linux has /proc entries to guard.
func OwnProcEntry(fd int) bool { return false }

// ProcBeneath reports false: only Linux has /proc entries to guard.
func ProcBeneath(dir string) bool { return false }
