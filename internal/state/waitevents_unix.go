//go:build unix

package state

import (
	"time"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// WaitEvents is poll(2) over pfds, with their own event masks, as
// inherit.PollEvents, interruptibly; inside a task it suspends only the
// task until one is ready.
func (st *State) WaitEvents(pfds []unix.PollFd, timeout time.Duration) (int, inherit.Readiness, error) {
	if t := st.inTask(); t != nil && timeout != 0 {
		fds := make([]inherit.PollFd, 0, len(pfds))
		for _, p := range pfds {
			if p.Events&(unix.POLLIN|unix.POLLPRI) != 0 {
				fds = append(fds, inherit.PollFd{Fd: int(p.Fd)})
			}
			if p.Events&unix.POLLOUT != 0 {
				fds = append(fds, inherit.PollFd{Fd: int(p.Fd), Write: true})
			}
		}
		r, err := t.Poll(fds, timeout)
		if err != nil {
			return 0, r, err
		}
		if r == inherit.TimedOut {
			return 0, r, nil
		}
		timeout = 0 // ready: now see which, and how
	}
	in := st.intr.Load()
	deadline := deadlineOf(timeout)
	for {
		wake, err := st.wakeFd(in)
		if err != nil {
			return 0, inherit.Woken, err
		}
		n, r, err := inherit.PollEvents(pfds, left(deadline, timeout), wake)
		if r == inherit.Woken {
			if err := st.woken(in); err != nil {
				return n, r, err
			}
			continue
		}
		return n, r, err
	}
}
