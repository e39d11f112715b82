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
