//go:build unix

package cli

import (
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/safesh/safesh/runtime"
)

// watchInterrupt answers SIGINT (Ctrl-C) while a script runs as a shell
// answers it while it runs a script: safesh ends by SIGINT at once,
// unless the script is waiting for a child (os.execute, subprocess.run,
// a Popen's wait, ...). The child got the terminal's SIGINT too, and it
// decides: if it dies of SIGINT, safesh ends by SIGINT as the call that
// reaped it returns; if it handles or ignores it (python3, an editor),
// the script goes on, as after `python3; echo after` in sh or bash. A
// script that set a handler for SIGINT, or ignores it, with the signal
// module has it instead. Nothing is watched if safesh was started with
// SIGINT ignored (a background job of a shell without job control): it
// stays ignored. The returned function stops watching, before the
// interactive session takes SIGINT over.
func watchInterrupt(r *runtime.Runtime) (stop func()) {
	if signal.Ignored(os.Interrupt) {
		return func() {}
	}
	c := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(c, os.Interrupt)
	var lastInterrupt atomic.Int64 // when safesh last received SIGINT, in Unix nanoseconds
	r.OnChildInterrupt(os.Interrupt, func() bool {
		// The terminal sends Ctrl-C's SIGINT to the child and to safesh
		// at once, but it reaches safesh's goroutine a moment after the
		// kernel reports the child's death: wait for it briefly. A child
		// that killed itself with SIGINT, with no SIGINT for safesh, is
		// only a status, as in sh and bash.
		for deadline := time.Now().Add(interruptWait); ; time.Sleep(time.Millisecond) {
			if t := lastInterrupt.Load(); t != 0 && time.Since(time.Unix(0, t)) < interruptRecent {
				dieOfSIGINT()
			}
			if time.Now().After(deadline) {
				return false
			}
		}
	})
	go func() {
		for {
			select {
			case sig := <-c:
				lastInterrupt.Store(time.Now().UnixNano())
				if r.HandlesSignal(sig) || r.WaitsForChild() {
					continue
				}
				dieOfSIGINT()
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(c)
			close(done)
			r.OnChildInterrupt(nil, nil)
		})
	}
}

// interruptWait bounds how long a child's death of SIGINT waits for
// safesh's own SIGINT, and interruptRecent how old that may be: a SIGINT
// that a child ignored long ago is not the one that killed this child.
const (
	interruptWait   = 100 * time.Millisecond
	interruptRecent = time.Second
)

// dieOfSIGINT ends the process by SIGINT, as the Go runtime does when no
// one asked for SIGINT, so that a shell sees a process the signal
// killed (status 130). What the script left buffered is not written, as
// for a C program that the signal kills.
func dieOfSIGINT() {
	signal.Reset(os.Interrupt)
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	time.Sleep(time.Second) // the signal is on its way
	os.Exit(128 + int(syscall.SIGINT))
}
