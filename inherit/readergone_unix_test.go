//go:build unix

package inherit

import "testing"

func TestReaderGone(t *testing.T) {
	r, w, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer Close(w)
	if ReaderGone(w) {
		t.Fatal("ReaderGone with the read end open")
	}
	Close(r)
	if !ReaderGone(w) {
		t.Fatal("ReaderGone false with the read end closed")
	}
	if ReaderGone(-1) {
		t.Fatal("ReaderGone(-1)")
	}
}
