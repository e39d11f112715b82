//go:build unix && !linux

package inherit

func setPipeSize(fd, n int) error { return nil }
