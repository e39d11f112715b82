package inherit

import (
	"math"
	"sync"

	"golang.org/x/sys/unix"
)

// MemorySize returns how many bytes one allocation can at most get here:
// the machine's memory and swap, beyond which Linux refuses a request
// outright (the C library's malloc then returns NULL, and C Lua reports
// "not enough memory"). Go cannot recover from running out of memory, so
// a request beyond this must be refused before it is made.
var MemorySize = sync.OnceValue(func() int64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return math.MaxInt64
	}
	return int64(si.Totalram+si.Totalswap) * int64(si.Unit)
})
