//go:build unix

package inherit

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Wait blocks until fd is ready for reading (for writing, if write is
// true), until the descriptor wake (a Waker's Fd, or -1 for none) is
// readable, or until timeout has passed (a negative timeout waits for
// ever). It retries poll(2) after EINTR with the time that is left.
func Wait(fd int, write bool, timeout time.Duration, wake int) (Readiness, error) {
	events := int16(unix.POLLIN)
	if write {
		events = unix.POLLOUT
	}
	pfds := [2]unix.PollFd{{Fd: int32(fd), Events: events}, {Fd: int32(wake), Events: unix.POLLIN}}
	n := 2
	if wake < 0 {
		n = 1
	}
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		ms := -1
		if timeout >= 0 {
			left := time.Until(deadline)
			if left < 0 {
				left = 0
			}
			// Round up, so that a wait never ends before its timeout.
			ms = int((left + time.Millisecond - 1) / time.Millisecond)
		}
		k, err := unix.Poll(pfds[:n], ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Ready, os.NewSyscallError("poll", err)
		}
		if n == 2 && pfds[1].Revents != 0 {
			return Woken, nil
		}
		if pfds[0].Revents&unix.POLLNVAL != 0 {
			return Ready, os.NewSyscallError("poll", unix.EBADF)
		}
		if k > 0 && pfds[0].Revents != 0 {
			return Ready, nil
		}
		if timeout >= 0 && !time.Now().Before(deadline) {
			return TimedOut, nil
		}
	}
}
