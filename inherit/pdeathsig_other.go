//go:build unix && !linux && !freebsd

package inherit

import "syscall"

// fallbackPdeathsig says whether syscall.ForkExec can set Pdeathsig here:
// this OS has no parent-death signal.
const fallbackPdeathsig = false

func setPdeathsig(*syscall.SysProcAttr, syscall.Signal) {}
