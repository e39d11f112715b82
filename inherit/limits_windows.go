package inherit

// NofileLimit returns 0 on Windows, which has no RLIMIT_NOFILE.
func NofileLimit() uint64 { return 0 }

// ThreadCPUTime returns false on Windows: there is no thread CPU clock here
// yet.
func ThreadCPUTime() (tid int, ns int64, ok bool) { return 0, 0, false }

// HardLimit returns false on Windows, which has no resource limits.
func HardLimit(resource int) (uint64, bool) { return 0, false }
