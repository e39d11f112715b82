//go:build linux

package tests

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
)

// TestJunkArguments calls every library function with junk arguments (see
// testdata/junk.lua): errors are expected, Go runtime errors and hangs
// are not.
func TestJunkArguments(t *testing.T) {
	code, err := os.ReadFile("testdata/junk.lua")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	r, err := runtime.New(runtime.AllowWrite(t.TempDir()), runtime.AllowRun("/bin/true"),
		runtime.WithStdout(&out), runtime.WithStderr(&out), runtime.WithStdin(strings.NewReader("")))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := r.DoString(ctx, string(code), "junk.lua"); err != nil {
		t.Fatalf("%s\n%s", describe(err), out.String())
	}
}
