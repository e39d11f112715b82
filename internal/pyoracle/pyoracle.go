// Package pyoracle is for tests that take Python as the oracle: a
// package's testdata/oracle.py prints, as JSON, what Python gives for a
// table of inputs, and testdata/oracle.json holds that output, so that
// the test can fail without python3 and says when Python has changed.
package pyoracle

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// Recorded returns testdata/oracle.json, after checking it against what
// python3 prints running testdata/oracle.py, where python3 is installed.
func Recorded(t *testing.T) []byte {
	t.Helper()
	want, err := os.ReadFile("testdata/oracle.json")
	if err != nil {
		t.Fatal(err)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Log("python3 is not installed: checked against the recorded results only")
		return want
	}
	out, err := exec.Command(python, "testdata/oracle.py").Output()
	if err != nil {
		t.Fatalf("python3 testdata/oracle.py: %v", err)
	}
	if !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(want)) {
		t.Error("python3 now says something else than testdata/oracle.json: regenerate it with python3 testdata/oracle.py > testdata/oracle.json, and look at what changed")
	}
	return want
}
