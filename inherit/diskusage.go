package inherit

// DiskUsage is what a file system holds, in bytes: its size, what is used,
// and what is free for an unprivileged user (statvfs's f_bavail), as
// Python's shutil.disk_usage counts them.
type DiskUsage struct {
	Total, Used, Free uint64
}

func diskUsage(frsize, blocks, bfree, bavail uint64) DiskUsage {
	return DiskUsage{Total: blocks * frsize, Used: (blocks - bfree) * frsize, Free: bavail * frsize}
}
