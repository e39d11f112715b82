//go:build unix && !linux

package inherit

import (
	"os/signal"
	"syscall"
)

// trampolinePdeathsig says whether the trampoline sets the parent-death
// signal itself: here syscall.ForkExec's child does (FreeBSD), or there is
// none.
const trampolinePdeathsig = false

// maxSignal is one more than the highest signal number.
const maxSignal = 32

// processIgnores reports whether the process ignores sig, as the Go
// runtime knows it (signal.Ignore, or ignored when the process started).
func processIgnores(sig syscall.Signal) bool { return signal.Ignored(sig) }

// ignoreSignal sets sig to SIG_IGN.
func ignoreSignal(sig syscall.Signal) error {
	signal.Ignore(sig)
	return nil
}

func setOwnPdeathsig(sig syscall.Signal, ppid int) error { return syscall.ENOSYS }
