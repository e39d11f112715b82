//go:build unix && !linux

// This file implements the scheduler's poller with poll(2), where there
// is no epoll.

package task

import (
	"time"

	"golang.org/x/sys/unix"
)

// poller waits for the descriptors the tasks wait on with one poll(2)
// over every armed descriptor; an event disarms it, as EPOLLONESHOT does.
type poller struct {
	armed map[int]int16
	pfds  []unix.PollFd
}

func newPoller() (*poller, error) { return &poller{armed: map[int]int16{}}, nil }

func (p *poller) close() {}

func (p *poller) arm(fd int, read, write bool) error {
	var ev int16
	if read {
		ev |= unix.POLLIN
	}
	if write {
		ev |= unix.POLLOUT
	}
	p.armed[fd] = ev
	return nil
}

func (p *poller) wait(timeout time.Duration, wake int, fn func(fd int, readable, writable bool)) (bool, error) {
	p.pfds = p.pfds[:0]
	for fd, ev := range p.armed {
		p.pfds = append(p.pfds, unix.PollFd{Fd: int32(fd), Events: ev})
	}
	if wake >= 0 {
		p.pfds = append(p.pfds, unix.PollFd{Fd: int32(wake), Events: unix.POLLIN})
	}
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	_, err := unix.Poll(p.pfds, ms)
	if err == unix.EINTR {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	woken := false
	for _, pf := range p.pfds {
		if pf.Revents == 0 {
			continue
		}
		if int(pf.Fd) == wake {
			woken = true
			continue
		}
		delete(p.armed, int(pf.Fd))
		bad := pf.Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0
		fn(int(pf.Fd), bad || pf.Revents&unix.POLLIN != 0, bad || pf.Revents&unix.POLLOUT != 0)
	}
	return woken, nil
}
