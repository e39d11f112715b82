//go:build !linux && !darwin && !freebsd && !netbsd && !dragonfly && !openbsd

package inherit

// rlimitNames are the resources a child's limits may name. This system
// has no spawn path that sets them: the numbers are placeholders, which
// StartProcess refuses (EINVAL).
var rlimitNames = map[string]int{
	"as": -1, "core": -1, "cpu": -1, "data": -1, "fsize": -1, "nofile": -1, "nproc": -1, "stack": -1,
}
