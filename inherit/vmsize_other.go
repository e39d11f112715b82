//go:build !linux

package inherit

// AddressSpace is supported on Linux only.
func AddressSpace() (uint64, error) { return 0, unsupported("address space size") }
