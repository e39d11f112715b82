package repl

import (
	"os"
	"os/signal"
)

// settleSignals returns once every signal sent to the process before it
// was called has been handed to the channels that signal.Notify
// registered for it; a signal that is still on its way when a chunk
// starts would otherwise interrupt that chunk. A signal travels in three
// stages: pending in the kernel until a thread takes it, then in the Go
// runtime's queue, then sent to the channels by os/signal's goroutine.
// takePending ends the first stage where the kernel allows it; signal.Stop
// waits for the other two ("When Stop returns, it is guaranteed that c
// will receive no more signals": it waits until the queue is empty and
// os/signal's goroutine idle). Stopping a channel of our own leaves the
// session's channel registered.
//
// What it cannot see is a signal that another thread took from the
// kernel but whose handler has not yet reached the Go runtime's queue:
// a window of a few instructions, unless that thread is preempted there.
func settleSignals() {
	takePending()
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	signal.Stop(c)
}
