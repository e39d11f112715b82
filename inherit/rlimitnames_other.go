//go:build !linux

package inherit

// rlimitNames are the resources a child's limits may name. Only Linux's
// spawn path sets them; elsewhere StartProcess refuses them (ENOSYS), so
// the numbers here are placeholders.
var rlimitNames = map[string]int{
	"as": -1, "core": -1, "cpu": -1, "data": -1, "fsize": -1, "nofile": -1, "nproc": -1, "stack": -1,
}
