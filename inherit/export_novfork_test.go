//go:build linux && !(amd64 || arm64)

package inherit

// SetNoClone3 does nothing here: there is no fast spawn path, and
// StartProcess always uses syscall.ForkExec.
func SetNoClone3(on bool) (restore func()) { return func() {} }
