//go:build unix

package state

import "syscall"

// sigStop freezes a tree before it is killed (killTree).
const sigStop = syscall.SIGSTOP
