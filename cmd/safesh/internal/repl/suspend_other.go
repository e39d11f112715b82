//go:build !unix

package repl

// suspend does nothing where there is no job control.
func suspend() {}
