package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// GetDiskUsage returns what the file system that holds fd's file holds.
func GetDiskUsage(fd int) (DiskUsage, error) {
	var st unix.Statfs_t
	if err := ignoringEINTR(func() error { return unix.Fstatfs(fd, &st) }); err != nil {
		return DiskUsage{}, os.NewSyscallError("fstatfs", err)
	}
	return diskUsage(uint64(st.F_bsize), st.F_blocks, st.F_bfree, uint64(max(st.F_bavail, 0))), nil
}
