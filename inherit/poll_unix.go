//go:build unix

package inherit

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Poll waits until at least one of fds is ready (for writing where Write
// is set, else for reading; an error or hang-up counts as ready, for the
// next call to report), until the descriptor wake (a Waker's, or -1) is
// readable, or until timeout has passed (negative: no limit). It sets
// Ready on each descriptor that is ready. Entries with a negative Fd are
// skipped. A descriptor that is not open gives EBADF. It retries poll(2)
// after EINTR with the time that is left, and never returns TimedOut
// before timeout has passed.
func Poll(fds []PollFd, timeout time.Duration, wake int) (Readiness, error) {
	var small [4]unix.PollFd
	pfds := small[:0]
	if len(fds)+1 > len(small) {
		pfds = make([]unix.PollFd, 0, len(fds)+1)
	}
	for _, f := range fds {
		ev := int16(unix.POLLIN)
		if f.Write {
			ev = unix.POLLOUT
		}
		pfds = append(pfds, unix.PollFd{Fd: int32(f.Fd), Events: ev})
	}
	if wake >= 0 {
		pfds = append(pfds, unix.PollFd{Fd: int32(wake), Events: unix.POLLIN})
	}
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		ms := -1
		if timeout >= 0 {
			// Round up, so that a wait never ends before its timeout.
			ms = int((max(time.Until(deadline), 0) + time.Millisecond - 1) / time.Millisecond)
		}
		n, err := unix.Poll(pfds, ms)
		if err == unix.EINTR {
			continue // with the time that is left
		}
		if err != nil {
			return Ready, os.NewSyscallError("poll", err)
		}
		if wake >= 0 && pfds[len(pfds)-1].Revents != 0 {
			return Woken, nil
		}
		if n > 0 {
			any := false
			for i := range fds {
				if fds[i].Fd >= 0 && pfds[i].Revents&unix.POLLNVAL != 0 {
					return Ready, os.NewSyscallError("poll", unix.EBADF)
				}
				fds[i].Ready = fds[i].Fd >= 0 && pfds[i].Revents != 0
				any = any || fds[i].Ready
			}
			if any {
				return Ready, nil
			}
		}
		if timeout >= 0 && !time.Now().Before(deadline) {
			return TimedOut, nil
		}
	}
}

// Wait is Poll for one descriptor: it blocks until fd is ready for
// reading (for writing, if write is true), until wake (a Waker's Fd, or -1
// for none) is readable, or until timeout has passed (negative: no
// limit).
func Wait(fd int, write bool, timeout time.Duration, wake int) (Readiness, error) {
	fds := [1]PollFd{{Fd: fd, Write: write}}
	return Poll(fds[:], timeout, wake)
}

// SetNonblock sets or clears O_NONBLOCK on fd. It changes the open file
// description, which every descriptor duplicated from fd shares, in this
// process and in children: use it only on a descriptor private to the
// caller, such as the parent's end of a pipe to a child.
func SetNonblock(fd int, nonblocking bool) error {
	if err := unix.SetNonblock(fd, nonblocking); err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	return nil
}

// SetPipeSize asks for a pipe buffer of n bytes (Linux F_SETPIPE_SZ); the
// kernel may refuse (a user over its pipe quota), or round it up. Other
// systems have no such knob, and it returns nil there.
func SetPipeSize(fd, n int) error {
	return setPipeSize(fd, n)
}

// ReaderGone reports whether fd is the write end of a pipe (or a socket)
// whose reading side is gone, so that a write would fail with EPIPE: poll
// says POLLERR for it at once. Any other descriptor, or one poll refuses,
// gives false.
func ReaderGone(fd int) bool {
	pfds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		n, err := unix.Poll(pfds, 0)
		if err == unix.EINTR {
			continue
		}
		return err == nil && n > 0 && pfds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 && pfds[0].Revents&unix.POLLNVAL == 0
	}
}
