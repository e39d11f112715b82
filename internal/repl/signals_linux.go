package repl

import (
	goruntime "runtime"

	"golang.org/x/sys/unix"
)

// takePending runs, on the calling thread, the handlers of the signals
// that were sent to the process and that no thread has taken yet. The
// kernel delivers such a signal to one thread of its choice, which may be
// waiting for a CPU; changing a thread's signal mask makes the kernel
// look again at what is pending for it, so blocking every signal and
// restoring the mask delivers them here, before the second call returns.
func takePending() {
	var all, old unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^all.Val[i]
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	if unix.PthreadSigmask(unix.SIG_BLOCK, &all, &old) == nil {
		unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	}
}
