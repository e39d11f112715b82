//go:build unix

package cli

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/safesh/safesh/runtime"
)

// watchTermination answers SIGTERM and SIGHUP as a shell or a supervisor
// would, so that the children of a safesh that is told to stop are not
// left running: the signal is forwarded to every child the script started
// (to its process group too, where it leads one), safesh waits for them
// the runtime's grace period, kills those left, and exits with 128 + the
// signal's number. A script that set a handler for the signal, or
// ignores it, with the signal module has it instead. The returned
// function stops watching; once an answer has begun, it waits for its
// exit instead, so that the script, which may end meanwhile (its
// children were stopped), does not exit first with its own status.
func watchTermination(r *runtime.Runtime) (stop func()) {
	c := make(chan os.Signal, 1)
	done := make(chan struct{})
	var mu sync.Mutex
	stopping := false
	signal.Notify(c, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for {
			select {
			case sig := <-c:
				if r.HandlesSignal(sig) {
					continue
				}
				mu.Lock()
				select {
				case <-done: // the script ended first
					mu.Unlock()
					return
				default:
				}
				stopping = true
				mu.Unlock()
				r.StopChildren(sig)
				os.Exit(128 + int(sig.(syscall.Signal)))
			case <-done:
				return
			}
		}
	}()
	return func() {
		mu.Lock()
		wait := stopping
		if !wait {
			signal.Stop(c)
			close(done)
		}
		mu.Unlock()
		if wait {
			select {} // the goroutine exits the process
		}
	}
}
