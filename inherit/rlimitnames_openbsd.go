package inherit

import "golang.org/x/sys/unix"

// rlimitNames are the resources a child's limits may name, as Python's
// resource module and ulimit(1) know them, without RLIMIT_: those this
// system has (the fallback path's trampoline sets them; OpenBSD has no
// RLIMIT_AS).
var rlimitNames = map[string]int{
	"core": unix.RLIMIT_CORE, "cpu": unix.RLIMIT_CPU, "data": unix.RLIMIT_DATA,
	"fsize": unix.RLIMIT_FSIZE, "memlock": unix.RLIMIT_MEMLOCK, "nofile": unix.RLIMIT_NOFILE,
	"nproc": unix.RLIMIT_NPROC, "rss": unix.RLIMIT_RSS, "stack": unix.RLIMIT_STACK,
}
