//go:build !linux

// This file implements takePending for systems where x/sys/unix has no
// pthread_sigmask.

package repl

// takePending does nothing: a signal pending in the kernel waits for the
// thread the kernel chose to take it.
func takePending() {}
