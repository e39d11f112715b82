//go:build linux && !(mips || mipsle || mips64 || mips64le)

package inherit

// The kernel's struct sigaction starts with the handler, and its sigset_t
// has 64 bits.
const (
	sigHandlerOff = 0
	sigsetSize    = 8
)
