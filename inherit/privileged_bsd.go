//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package inherit

import "golang.org/x/sys/unix"

// privilegedExec reports whether the kernel ran this process's
// executable with privileges its caller lacks (issetugid).
func privilegedExec() bool { return unix.Issetugid() }
