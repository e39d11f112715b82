//go:build !linux

package repl

// takePending does nothing: x/sys/unix has no pthread_sigmask here. A
// signal pending in the kernel is taken by the thread the kernel chose.
func takePending() {}
