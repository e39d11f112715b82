//go:build linux && (amd64 || arm64)

package inherit

// SetNoClone3 makes the fast spawn path clone its children with clone and
// the runtime's signal-handler reset instead of clone3, as where clone3 is
// refused, and returns a function that restores the previous setting.
func SetNoClone3(on bool) (restore func()) {
	old := noClone3.Swap(on)
	return func() { noClone3.Store(old) }
}

// RefuseClone3 makes clone3 fail with ENOSYS, as some seccomp policies do,
// until the returned function restores it and the previous setting. It
// also returns a function that reports whether the fast path has since
// given up clone3.
func RefuseClone3() (restore func(), gaveUp func() bool) {
	old, oldNo := sysClone3, noClone3.Load()
	sysClone3 = 0xfff // no such system call
	noClone3.Store(false)
	return func() {
		sysClone3 = old
		noClone3.Store(oldNo)
	}, noClone3.Load
}
