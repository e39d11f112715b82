//go:build linux && (amd64 || arm64)

package inherit

// SetNoClone3 makes the fast spawn path clone its children with clone and
// the runtime's signal-handler reset instead of clone3, as where clone3 is
// refused, and returns a function that restores the previous setting.
func SetNoClone3(on bool) (restore func()) {
	old := noClone3.Swap(on)
	return func() { noClone3.Store(old) }
}
