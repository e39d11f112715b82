//go:build unix

package tests

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestCLI runs the command-line tests: testdata/script/*.txtar, scripts a
// user could type, with safesh and lsfds on PATH.
func TestCLI(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}
