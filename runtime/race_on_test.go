//go:build race

package runtime

// raceEnabled says that the race detector is on: its runtime needs more
// address space than RLIMIT_AS leaves a worker, and dies of that before
// it runs out of memory.
const raceEnabled = true
