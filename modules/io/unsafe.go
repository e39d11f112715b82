package io

import (
	"unsafe"

	"github.com/safesh/safesh/internal/strmem"
	lua "github.com/yuin/gopher-lua"
)

// unsafeBytes returns the bytes of s without copying. The result must only
// be read, and not kept: every writer here copies what it keeps.
func unsafeBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// ownedString returns p as a Lua string. When own is set, p's memory is
// its own (strmem.Make), never written again: the string takes it over
// without a copy where strmem.String can.
func ownedString(p []byte, own bool) lua.LString {
	if own {
		return lua.LString(strmem.String(p))
	}
	return lua.LString(p)
}
