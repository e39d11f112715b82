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
	frsize := uint64(st.Frsize)
	if frsize == 0 {
		frsize = uint64(st.Bsize)
	}
	return diskUsage(frsize, st.Blocks, st.Bfree, st.Bavail), nil
}
