//go:build linux

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeTour runs the Lua tour of README.md, so that it stays true.
func TestReadmeTour(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	start := strings.Index(s, "```lua\n")
	if start < 0 {
		t.Fatal("README.md has no Lua tour")
	}
	start += len("```lua\n")
	end := strings.Index(s[start:], "```")
	tour := filepath.Join(t.TempDir(), "tour.lua")
	if err := os.WriteFile(tour, []byte(s[start:start+end]), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("safesh", tour).CombinedOutput()
	if err != nil {
		t.Fatalf("the tour fails: %v\n%s", err, out)
	}
	for _, want := range []string{"open: /nope: no such file or directory\t2", "timed out after 0.5 seconds"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the tour's output lacks %q:\n%s", want, out)
		}
	}
}
