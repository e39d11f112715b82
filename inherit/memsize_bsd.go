//go:build darwin || freebsd || netbsd || openbsd

package inherit

import (
	"math"
	"sync"

	"golang.org/x/sys/unix"
)

// MemorySize returns how many bytes one allocation can at most get here:
// the machine's physical memory, a bound no single allocation can pass.
// Go cannot recover from running out of memory, so a request beyond this
// must be refused before it is made.
var MemorySize = sync.OnceValue(func() int64 {
	// darwin says hw.memsize; netbsd and openbsd hw.physmem64; freebsd
	// hw.physmem.
	for _, name := range []string{"hw.memsize", "hw.physmem64", "hw.physmem"} {
		if v, err := unix.SysctlUint64(name); err == nil && v > 0 && v < math.MaxInt64 {
			return int64(v)
		}
	}
	return math.MaxInt64
})
