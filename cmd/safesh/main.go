// Command safesh runs Lua scripts with safe-by-default descriptors: every
// descriptor a script creates is non-inheritable from the moment it
// exists, and child processes get only what they are given.
//
// Usage:
//
//	safesh [options] [script [args]]
//
// Run safesh -h for the options.
package main

import (
	"os"

	"github.com/safesh/safesh/cmd/safesh/internal/cli"
	"github.com/safesh/safesh/runtime"
)

func main() {
	runtime.ServeIsolated() // when started as an isolated runtime's worker
	os.Exit(cli.Run())
}
