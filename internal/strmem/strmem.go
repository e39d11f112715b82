// Package strmem makes the memory of large strings that a read fills: a
// read goes straight into the string's own memory, which is not zeroed
// first, and the string takes it over without a copy.
//
// A script's read of 64 KiB costs one allocation this way, where a buffer
// and a copy cost two (or a zeroed buffer the same time again): see
// docs/performance.md.
package strmem

import (
	"strings"
	"unsafe"
)

// Make returns n bytes of new memory (len n), not zeroed: its contents
// are whatever the allocator held before, so the caller must write every
// byte it goes on to read or hand to a string (String takes only p[:k]).
// Nothing else refers to the memory. n must be positive.
func Make(n int) []byte {
	// strings.Builder grows into memory the runtime does not zero
	// (bytealg.MakeNoZero): Grow makes room for n, WriteByte makes the
	// first byte the string's, and the slice covers the rest of the
	// same allocation.
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(0)
	return unsafe.Slice(unsafe.StringData(b.String()), n)
}

// String returns p as a string. If p is the start of memory from Make
// (or any slice its caller owns and never writes again) and fills at
// least half of it, the string takes the memory over without a copy;
// otherwise p is copied, so that a short result does not keep a large
// allocation alive.
func String(p []byte) string {
	if len(p) > 0 && len(p) >= cap(p)/2 {
		return unsafe.String(unsafe.SliceData(p), len(p))
	}
	return string(p)
}

// Grow returns p with room for at least n more bytes, in memory from
// Make when it must move: p's bytes are copied, the rest is not zeroed.
func Grow(p []byte, n int) []byte {
	if cap(p)-len(p) >= n {
		return p
	}
	q := Make(len(p) + n)
	return q[:copy(q, p)]
}
