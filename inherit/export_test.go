//go:build unix

package inherit

// SetForceFallback makes the creators take their ForkLock fallback paths,
// and returns a function that restores the previous setting.
func SetForceFallback(on bool) (restore func()) {
	old := forceFallback.Swap(on)
	return func() { forceFallback.Store(old) }
}

// OpenRootFallback opens dir as a Root on Go's os.Root, as on kernels
// without openat2.
func OpenRootFallback(dir string) (*Root, error) { return openRootFallback(dir) }

// FallbackForced reports whether SetForceFallback is on.
func FallbackForced() bool { return forceFallback.Load() }
