//go:build linux && (mips || mipsle || mips64 || mips64le)

package inherit

import "unsafe"

// MIPS's struct sigaction starts with sa_flags (an int, padded to the
// pointer size), then the handler; its sigset_t has 128 bits.
const (
	sigHandlerOff = unsafe.Sizeof(uintptr(0))
	sigsetSize    = 16
)
