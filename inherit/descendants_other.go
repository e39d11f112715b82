//go:build !linux

package inherit

// Descendants returns nil: without /proc, a tree is killed through its
// process group only.
func Descendants(pid int) []int { return nil }
