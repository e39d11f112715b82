// This file implements EpollCreate with epoll_create1(EPOLL_CLOEXEC).

package inherit

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// EpollCreate is like unix.EpollCreate1, but the new epoll instance is
// close-on-exec from the moment it exists (EPOLL_CLOEXEC).
func EpollCreate() (int, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("epoll_create1", err)
	}
	return fd, nil
}

// EpollCtl is unix.EpollCtl with the call's name attached to its error.
func EpollCtl(epfd, op, fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(epfd, op, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// EpollWait waits on epfd for at most timeout (negative: no limit) or
// until the descriptor wake (a Waker's, or -1) is readable, and fills
// events. The waker is watched by a poll(2) on both descriptors, since it
// is not in the caller's set: an epoll descriptor is readable when it has
// events. It retries after EINTR with the time that is left. It returns
// the number of events, and Woken when the waker woke it.
func EpollWait(epfd int, events []unix.EpollEvent, timeout time.Duration, wake int) (int, Readiness, error) {
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		ms := -1
		if timeout >= 0 {
			ms = int((max(time.Until(deadline), 0) + time.Millisecond - 1) / time.Millisecond)
		}
		if wake >= 0 {
			pfds := [2]unix.PollFd{{Fd: int32(epfd), Events: unix.POLLIN}, {Fd: int32(wake), Events: unix.POLLIN}}
			_, err := unix.Poll(pfds[:], ms)
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				return 0, Ready, os.NewSyscallError("poll", err)
			}
			if pfds[1].Revents != 0 {
				return 0, Woken, nil
			}
			if pfds[0].Revents&unix.POLLNVAL != 0 {
				return 0, Ready, os.NewSyscallError("epoll_wait", unix.EBADF)
			}
			if pfds[0].Revents == 0 {
				if timeout >= 0 && !time.Now().Before(deadline) {
					return 0, TimedOut, nil
				}
				continue
			}
			ms = 0
		}
		n, err := unix.EpollWait(epfd, events, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, Ready, os.NewSyscallError("epoll_wait", err)
		}
		if n > 0 {
			return n, Ready, nil
		}
		if timeout >= 0 && !time.Now().Before(deadline) {
			return 0, TimedOut, nil
		}
	}
}
