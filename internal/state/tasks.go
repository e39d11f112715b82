package state

import (
	"time"

	"github.com/safesh/safesh/inherit"
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
