package repl

import (
	"os"
	"os/signal"
)

// settleSignals returns once the signals sent to the process before it
// was called have reached the channels that signal.Notify registered for
// them. A chunk that ends on its own just as a SIGINT comes (Ctrl-C
// killed the child it waited for, and the child died before the Go
// runtime handed safesh its own SIGINT) would otherwise leave that SIGINT
// on its way, to interrupt the next chunk.
//
// A signal goes through three stages: pending in the kernel until a
// thread takes it, queued in the Go runtime, then sent to the channels by
// os/signal's goroutine. takePending ends the first where the kernel
// allows it. signal.Stop waits for the other two: it returns once the
// queue is empty and that goroutine idle, to keep its promise that a
// stopped channel receives nothing more. Stopping a channel of our own
// leaves the session's registered.
//
// One signal escapes: one that another thread has just taken from the
// kernel and whose handler has not yet queued it, a matter of
// microseconds unless that thread is preempted in between, while the next
// chunk starts only once a line has been read.
func settleSignals() {
	takePending()
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	signal.Stop(c)
}
