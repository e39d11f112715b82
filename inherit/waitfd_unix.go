//go:build unix

package inherit

// WaitFd returns a descriptor that becomes readable when the child exits
// (its pidfd on Linux, a reaper's pipe elsewhere), for a caller that waits
// on many descriptors at once, or -1 if the child has been reaped
// already. It belongs to p: the caller must not close it. Once it is
// readable, Poll reaps the child (a reaper may need a moment more).
func (p *Process) WaitFd() (int, error) { return p.waitFd() }
