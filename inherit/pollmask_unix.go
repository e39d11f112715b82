//go:build unix

package inherit

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// PollEvents is poll(2) over pfds, with their own event masks, and the
// descriptor wake (a Waker's, or -1) watched besides: it waits for at most
// timeout (negative: no limit), retrying after EINTR with the time that
// is left, and returns the number of entries with events, or Woken when
// the waker became readable first. A descriptor that is not open shows
// POLLNVAL in its Revents, as poll(2) reports it.
func PollEvents(pfds []unix.PollFd, timeout time.Duration, wake int) (int, Readiness, error) {
	orig := pfds
	if wake >= 0 {
		pfds = append(pfds, unix.PollFd{Fd: int32(wake), Events: unix.POLLIN})
		defer copy(orig, pfds) // append may have moved them
	}
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		ms := -1
		if timeout >= 0 {
			ms = int((max(time.Until(deadline), 0) + time.Millisecond - 1) / time.Millisecond)
		}
		n, err := unix.Poll(pfds, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, Ready, os.NewSyscallError("poll", err)
		}
		if wake >= 0 && pfds[len(pfds)-1].Revents != 0 {
			return 0, Woken, nil
		}
		if n > 0 {
			return n, Ready, nil
		}
		if timeout >= 0 && !time.Now().Before(deadline) {
			return 0, TimedOut, nil
		}
	}
}
