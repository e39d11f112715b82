package inherit

import (
	"os"

	"golang.org/x/sys/unix"
)

// GetDiskUsage returns what the file system that holds fd's file holds.
func GetDiskUsage(fd int) (DiskUsage, error) {
	var st unix.Statvfs_t
	if err := ignoringEINTR(func() error { return unix.Fstatvfs(fd, &st) }); err != nil {
		return DiskUsage{}, os.NewSyscallError("fstatvfs", err)
	}
	return diskUsage(st.Frsize, st.Blocks, st.Bfree, st.Bavail), nil
}
