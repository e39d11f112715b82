package inherit

// Readiness is what Wait saw.
type Readiness int

const (
	// Ready means the descriptor is ready, or has an error or hang-up that
	// the next read or write will report.
	Ready Readiness = iota
	// TimedOut means the timeout passed first.
	TimedOut
	// Woken means the waker descriptor became readable first.
	Woken
)

// PollFd is a descriptor for Poll to wait on, and whether it became ready.
type PollFd struct {
	Fd    int  // the descriptor; a negative one is skipped
	Write bool // wait to write rather than to read
	Ready bool // set by Poll
}
