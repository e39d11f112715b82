// This file implements the scheduler's poller with epoll.

package task

import (
	"time"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// poller waits for the descriptors the tasks wait on, in one epoll set
// (epoll_create1(EPOLL_CLOEXEC)). Every registration is EPOLLONESHOT: an
// event disarms it, and arm re-arms it. Each carries a generation in its
// data, so that an event of a registration made for a descriptor since
// closed (whose open file lives on in a duplicate, so that the kernel
// kept it) is recognised and ignored: being one-shot, it fires once.
type poller struct {
	epfd   int
	wake   int // the waker descriptor in the set, or -1
	gens   map[int]int32
	gen    int32
	events []unix.EpollEvent
}

func newPoller() (*poller, error) {
	fd, err := inherit.EpollCreate()
	if err != nil {
		return nil, err
	}
	return &poller{epfd: fd, wake: -1, gens: map[int]int32{}, events: make([]unix.EpollEvent, 256)}, nil
}

func (p *poller) close() { inherit.Close(p.epfd) }

// arm asks for one event on fd: readable (read) and/or writable (write).
// It returns errNotPollable for a descriptor epoll refuses (a regular
// file, always ready) and an error for one that is not open.
func (p *poller) arm(fd int, read, write bool) error {
	var ev uint32 = unix.EPOLLONESHOT
	if read {
		ev |= unix.EPOLLIN | unix.EPOLLRDHUP
	}
	if write {
		ev |= unix.EPOLLOUT
	}
	if g, ok := p.gens[fd]; ok {
		e := unix.EpollEvent{Events: ev, Fd: int32(fd), Pad: g}
		err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, &e)
		if err == nil {
			return nil
		}
		if err != unix.ENOENT {
			return mapArmErr(err)
		}
		// Closed since, and perhaps its number reused: a new registration.
	}
	p.gen++
	e := unix.EpollEvent{Events: ev, Fd: int32(fd), Pad: p.gen}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &e); err != nil {
		delete(p.gens, fd)
		return mapArmErr(err)
	}
	p.gens[fd] = p.gen
	return nil
}

func mapArmErr(err error) error {
	if err == unix.EPERM {
		return errNotPollable
	}
	return err
}

// wait waits for events for at most timeout (negative: no limit), or
// until wake (-1: none) is readable, and calls fn for each descriptor
// with an event.
func (p *poller) wait(timeout time.Duration, wake int, fn func(fd int, readable, writable bool)) (woken bool, err error) {
	if wake != p.wake {
		if p.wake >= 0 {
			unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, p.wake, nil)
		}
		p.wake = -1
		if wake >= 0 {
			e := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wake), Pad: -1}
			if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, wake, &e); err != nil {
				return false, err
			}
			p.wake = wake
		}
	}
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	n, err := unix.EpollWait(p.epfd, p.events, ms)
	if err == unix.EINTR {
		return false, nil // the caller loops, with the time that is left
	}
	if err != nil {
		return false, err
	}
	for _, e := range p.events[:n] {
		if e.Pad == -1 {
			woken = true
			continue
		}
		fd := int(e.Fd)
		if g, ok := p.gens[fd]; !ok || g != e.Pad {
			continue // a stale registration's one event
		}
		bad := e.Events&(unix.EPOLLERR|unix.EPOLLHUP) != 0
		fn(fd, bad || e.Events&(unix.EPOLLIN|unix.EPOLLRDHUP) != 0, bad || e.Events&unix.EPOLLOUT != 0)
	}
	return woken, nil
}
