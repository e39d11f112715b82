package strmem

import (
	"strings"
	"testing"
	"unsafe"
)

func TestMakeIsWritableAndOwned(t *testing.T) {
	for _, n := range []int{1, 100, 4096, 64 << 10, 1<<20 + 3} {
		p := Make(n)
		if len(p) != n || cap(p) < n {
			t.Fatalf("Make(%d): len %d cap %d", n, len(p), cap(p))
		}
		for i := range p {
			p[i] = byte(i)
		}
		q := Make(n)
		if unsafe.SliceData(p) == unsafe.SliceData(q) {
			t.Fatalf("Make(%d) gave the same memory twice", n)
		}
		s := String(p)
		if len(s) != n || unsafe.StringData(s) != unsafe.SliceData(p) {
			t.Fatalf("String of a full Make(%d) copied", n)
		}
		for i := range n {
			if s[i] != byte(i) {
				t.Fatalf("byte %d: %d", i, s[i])
			}
		}
	}
}

func TestStringCopiesShortResults(t *testing.T) {
	p := Make(64 << 10)
	copy(p, "hello")
	s := String(p[:5])
	if s != "hello" || unsafe.StringData(s) == unsafe.SliceData(p) {
		t.Fatalf("String(p[:5]) = %q, same memory %v", s, unsafe.StringData(s) == unsafe.SliceData(p))
	}
	if String(p[:0]) != "" {
		t.Fatal("empty")
	}
}

func TestGrowKeepsBytes(t *testing.T) {
	p := append(Make(4)[:0], "abcd"...)
	p = Grow(p, 100)
	if string(p) != "abcd" || cap(p) < 104 {
		t.Fatalf("Grow: %q cap %d", p, cap(p))
	}
	p = append(p, strings.Repeat("x", 100)...)
	if string(p[:6]) != "abcdxx" {
		t.Fatal(string(p[:6]))
	}
	if q := Grow(p, 0); unsafe.SliceData(q) != unsafe.SliceData(p) {
		t.Fatal("Grow with room moved")
	}
}
