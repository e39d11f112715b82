package io

import "unsafe"

// unsafeBytes returns the bytes of s without copying. The result must only
// be read, and not kept: every writer here copies what it keeps.
func unsafeBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
