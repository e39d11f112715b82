//go:build unix && !linux

// This file implements ListFds for unix systems without /proc/self/fd, by
// probing every number below the descriptor limit.

package inherit

import "golang.org/x/sys/unix"

// ListFds returns every open descriptor of the process, in increasing
// order. Target is empty: this OS has no /proc/self/fd to read it from.
func ListFds() ([]FdInfo, error) {
	limit := uint64(1 << 16)
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil && uint64(rl.Cur) < limit {
		limit = uint64(rl.Cur)
	}
	var infos []FdInfo
	for fd := 0; uint64(fd) < limit; fd++ {
		inheritable, err := Inheritable(fd)
		if err != nil {
			continue
		}
		kind, _ := KindOf(fd)
		infos = append(infos, FdInfo{Fd: fd, Inheritable: inheritable, Kind: kind})
	}
	return infos, nil
}
