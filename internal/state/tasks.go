package state

import (
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaerr"
	"golang.org/x/sys/unix"
)

// A Suspender is the task module's scheduler, while task.run runs: a
// blocking call made inside a task waits through it, which suspends only
// that task, instead of blocking the runtime. Its methods have the
// meaning of the State methods of the same names. They are called only
// by the goroutine running the current task.
type Suspender interface {
	// Active reports whether the caller is a task: a task is running
	// now, and this Suspender's own goroutine is not the caller.
	Active() bool
	Wait(fd int, write bool, timeout time.Duration) (inherit.Readiness, error)
	Poll(fds []inherit.PollFd, timeout time.Duration) (inherit.Readiness, error)
	Sleep(d time.Duration) error
	WaitProcess(p *inherit.Process, timeout time.Duration) (inherit.Readiness, error)
}

// SetTasks installs the scheduler that blocking calls made inside a task
// wait through (nil: none). The task module sets it while task.run runs.
func (st *State) SetTasks(s Suspender) { st.tasks = s }

// inTask returns the scheduler if the caller is a task.
func (st *State) inTask() Suspender {
	if s := st.tasks; s != nil && s.Active() {
		return s
	}
	return nil
}

// InTask reports whether the caller is a task, whose waits must go
// through Wait or Poll to suspend only the task.
func (st *State) InTask() bool { return st.inTask() != nil }

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
	wake, err := st.WakeFd()
	if err != nil {
		return 0, inherit.Woken, err
	}
	n, r, err := inherit.PollEvents(pfds, timeout, wake)
	if r == inherit.Woken {
		return n, r, luaerr.ErrInterrupted
	}
	return n, r, err
}
