// This file implements takePending for Linux, where a thread's signal
// mask can be changed.

package repl

import (
	goruntime "runtime"

	"golang.org/x/sys/unix"
)

// takePending runs, on the calling thread, the handlers of the signals
// sent to the process that no thread has taken yet. The kernel gives such
// a signal to a thread of its choice, which may be waiting for a CPU; a
// change of a thread's signal mask makes the kernel look again at what is
// pending for it, so blocking every signal and restoring the mask
// delivers those signals here, before the second call returns.
func takePending() {
	var all, old unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^all.Val[i]
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &all, &old); err != nil {
		return
	}
	// Restoring the mask that the first call returned cannot fail.
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
}
