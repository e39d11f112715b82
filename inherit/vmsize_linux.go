package inherit

import (
	"bytes"
	"errors"
	"os"
	"strconv"
)

// AddressSpace returns the size of the calling process's virtual address
// space in bytes (VmSize), what RLIMIT_AS counts. A Go process reserves
// about a gigabyte of it at start-up, so a limit on what a Go program may
// allocate is this plus the allowance.
func AddressSpace() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("VmSize:")); ok {
			v = bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))
			kb, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmSize in /proc/self/status")
}
