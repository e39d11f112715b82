//go:build !unix

package cli

import "github.com/safesh/safesh/runtime"

// watchInterrupt does nothing where there is no SIGINT to share with
// children: the Go runtime's default ends the process.
func watchInterrupt(*runtime.Runtime) (stop func()) { return func() {} }
