// This file implements ListFds for Linux, from /proc/self/fd.

package inherit

import (
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ListFds returns every open descriptor of the process, in increasing
// order, except the one it opens itself to read the list.
func ListFds() ([]FdInfo, error) {
	dir, err := Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dir)
	var fds []int
	buf := make([]byte, 8192)
	for {
		n, err := ignoringEINTR2(func() (int, error) { return unix.ReadDirent(dir, buf) })
		if err != nil {
			return nil, os.NewSyscallError("getdents", err)
		}
		if n <= 0 {
			break
		}
		var names []string
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
		for _, name := range names {
			if fd, err := strconv.Atoi(name); err == nil && fd != dir {
				fds = append(fds, fd)
			}
		}
	}
	slices.Sort(fds)
	infos := make([]FdInfo, 0, len(fds))
	for _, fd := range fds {
		inheritable, err := Inheritable(fd)
		if err != nil {
			continue // closed by another goroutine since the listing
		}
		kind, _ := KindOf(fd)
		target, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if strings.HasPrefix(target, "anon_inode:") {
			kind = KindAnon
		}
		infos = append(infos, FdInfo{Fd: fd, Inheritable: inheritable, Kind: kind, Target: target})
	}
	return infos, nil
}
