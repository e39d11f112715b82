package inherit

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// trampolinePdeathsig says whether the trampoline sets the parent-death
// signal itself when it changes IDs, which clear it on Linux.
const trampolinePdeathsig = true

// maxSignal is one more than the highest signal number.
const maxSignal = 65

// processIgnores reports whether the process ignores sig (SIG_IGN in the
// kernel, as a child inherits it).
func processIgnores(sig syscall.Signal) bool {
	var old sigactionBuf
	return rtSigaction(sig, nil, &old) == nil && old.handler() == 1
}

// ignoreSignal sets sig to SIG_IGN.
func ignoreSignal(sig syscall.Signal) error {
	var act sigactionBuf
	act.setHandler(1)
	return rtSigaction(sig, &act, nil)
}

// setOwnPdeathsig sets the calling thread's parent-death signal, and
// sends it at once if the parent, ppid, has died already (prctl(2)).
func setOwnPdeathsig(sig syscall.Signal, ppid int) error {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(sig), 0, 0, 0); err != nil {
		return err
	}
	if unix.Getppid() != ppid {
		unix.Kill(unix.Getpid(), sig)
	}
	return nil
}
