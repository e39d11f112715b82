// Package signal is safesh's signal module, Python's signal for a Lua
// script:
//
//	signal.signal(sig, handler | "default" | "ignore")  sets a disposition, returns the previous one
//	signal.getsignal(sig)                               the disposition
//	signal.raise_signal(sig)                            sends sig to the process
//	signal.alarm(seconds)                               SIGALRM after seconds; returns what was left
//	signal.strsignal(sig)                               "Terminated"
//	signal.SIGINT, signal.SIGTERM, ...                  the signal numbers
//
// A handler is called with the signal number, in the script's own Lua
// state, between two VM instructions soon after the signal arrives, or in
// the blocking call that the signal interrupted, which then resumes (PEP
// 475) unless the handler raised. The signals come through os/signal,
// one channel per signal and runtime: a handler belongs to its runtime,
// and two runtimes that handle one signal both run their handlers. See
// docs/signal.md.
package signal
