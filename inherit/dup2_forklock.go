//go:build darwin

// This file implements Dup2's close-on-exec form for platforms without
// dup3: see the ForkLock policy in doc.go.

package inherit

func dup2Cloexec(fd, fd2 int) error { return dup2ForkLock(fd, fd2) }
