//go:build linux

package tests

import (
	"slices"
	"testing"

	"github.com/safesh/safesh/runtime"
)

// TestSocketSubprocess runs testdata/socket_subprocess.lua: the server
// restart test (a listening socket never reaches a child), and sockets as
// a child's stdin, stdout and pass_fds.
func TestSocketSubprocess(t *testing.T) {
	if !slices.Contains(runtime.Modules(), "subprocess") {
		t.Skip("the subprocess module is not registered yet: the socket-with-subprocess tests cannot run")
	}
	out, err := runLua(t, "testdata/socket_subprocess.lua", runtime.Unrestricted())
	if err != nil {
		t.Fatalf("%v\n%s", describe(err), out)
	}
}
