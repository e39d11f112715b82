package inherit

import (
	"bytes"
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// LimitMemory holds the calling process's address space (RLIMIT_AS, soft
// and hard) to what it has now plus extra bytes. A Go process reserves
// about a gigabyte of address space at start-up, so the limit is counted
// from the current size, not from zero.
func LimitMemory(extra uint64) error {
	as, err := addressSpace()
	if err != nil {
		return err
	}
	return LimitSelf(unix.RLIMIT_AS, as+extra)
}

// addressSpace returns the size of the calling process's virtual address
// space in bytes (VmSize), what RLIMIT_AS counts.
func addressSpace() (uint64, error) {
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
