//go:build linux && !(amd64 || arm64)

package inherit

// SetNoClone3 does nothing here: there is no fast spawn path, and
// StartProcess always uses syscall.ForkExec.
func SetNoClone3(on bool) (restore func()) { return func() {} }

// RefuseClone3 does nothing here (see SetNoClone3); gaveUp reports true,
// as there is no clone3 to give up.
func RefuseClone3() (restore func(), gaveUp func() bool) {
	return func() {}, func() bool { return true }
}
