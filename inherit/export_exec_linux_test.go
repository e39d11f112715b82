package inherit

// SetExecShared makes Exec change the process's own descriptor table and
// directory (and undo the changes after a failed exec), as where unshare
// is refused, and returns a function that restores the previous setting.
func SetExecShared(on bool) (restore func()) {
	old := execForceShared.Swap(on)
	return func() { execForceShared.Store(old) }
}
