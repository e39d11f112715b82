//go:build unix

package tests

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExamples runs every example script with safesh, so that the
// examples never rot: each must exit 0 and print nothing on stderr.
func TestExamples(t *testing.T) {
	examples, err := filepath.Glob("../scripts/examples/*.lua")
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, ex := range examples {
		t.Run(strings.TrimSuffix(filepath.Base(ex), ".lua"), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "safesh", filepath.Base(ex))
			cmd.Dir = filepath.Dir(ex)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("safesh %s: %v\nstdout:\n%s\nstderr:\n%s", ex, err, out, stderr.String())
			}
			t.Logf("%s", out)
		})
	}
}

// TestEmbedExample builds the example plugin host and runs it on its
// plugins: the well-behaved one works, every attempt of the nosy one is
// refused, and its os.exit ends only itself.
func TestEmbedExample(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "embed")
	build := exec.Command("go", "build", "-o", bin, "./scripts/examples/embed")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("embed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"1-wordcount.lua: report words = 14",
		"1-wordcount.lua: report lines (by wc) = 2",
		"read /etc/passwd             refused: open: /etc/passwd: permission denied",
		"write the data dir           refused:",
		"escape with ..               refused:",
		"run a shell                  refused: exec: /bin/sh: operation not permitted (not an allowed program)",
		"connect out                  refused: connect: 127.0.0.1:22: permission denied (network access not granted)",
		"guess descriptor 3           refused: read: bad file descriptor",
		"2-nosy.lua: exited with status 3 (the host goes on)",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(string(out), "ALLOWED") {
		t.Errorf("the nosy plugin got something it was not granted:\n%s", out)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
