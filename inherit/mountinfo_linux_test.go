package inherit

import "testing"

func TestMountsFindsProcAndEscapes(t *testing.T) {
	mounts, err := Mounts()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range mounts {
		if m.Type == "proc" && m.Point == "/proc" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no proc at /proc in %d mounts", len(mounts))
	}
	if got := unescapeMountPath(`/mnt/a\040b\134`); got != `/mnt/a b\` {
		t.Errorf("unescapeMountPath = %q", got)
	}
	if got := unescapeMountPath(`/mnt/a\04`); got != `/mnt/a\04` {
		t.Errorf("a cut escape: %q", got)
	}
}
