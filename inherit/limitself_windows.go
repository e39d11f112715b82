package inherit

// LimitSelf is not supported on Windows.
func LimitSelf(resource int, n uint64) error { return unsupported("setrlimit") }

// LimitSelfSoft is not supported on Windows.
func LimitSelfSoft(resource int, soft, hard uint64) error { return unsupported("setrlimit") }
