//go:build !unix

package cli

import "github.com/safesh/safesh/runtime"

// watchTermination does nothing where there are no such signals.
func watchTermination(*runtime.Runtime) (stop func()) { return func() {} }
