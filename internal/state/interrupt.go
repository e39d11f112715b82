package state

import (
	"context"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaerr"
)

// interrupt is what SetContext installs: the context, and the waker that
// its cancellation wakes.
type interrupt struct {
	ctx   context.Context
	waker *inherit.Waker
}

// SetContext makes blocking calls interruptible by ctx: when ctx is done,
// every Wait in progress or to come returns luaerr.ErrInterrupted, until
// ClearContext.
func (st *State) SetContext(ctx context.Context) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	if st.waker == nil {
		w, err := inherit.NewWaker()
		if err != nil {
			return err
		}
		st.waker = w
	} else if err := st.waker.Reset(); err != nil {
		return err
	}
	in := &interrupt{ctx: ctx, waker: st.waker}
	// The callback may run after SetContext(nil) or Close: it wakes only
	// the waker of its own context, under the lock, so that it can never
	// write to a descriptor that was closed and reused meanwhile.
	st.stopWatch = context.AfterFunc(ctx, func() {
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.intr.Load() == in {
			in.waker.Wake()
		}
	})
	st.intr.Store(in)
	return nil
}

// ClearContext makes blocking calls uninterruptible again: the command
// line runs scripts so, and lets SIGINT end the process.
func (st *State) ClearContext() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
}

func (st *State) clearLocked() {
	if st.stopWatch != nil {
		st.stopWatch()
		st.stopWatch = nil
	}
	st.intr.Store(nil)
}

// Context returns the context set by SetContext, or nil.
func (st *State) Context() context.Context {
	if in := st.intr.Load(); in != nil {
		return in.ctx
	}
	return nil
}

// Interruptible reports whether blocking calls must wait through Wait.
// Inside a task they always must: the wait suspends only the task; and so
// they must once the scripts handle signals, whose handlers run in the
// call that a signal interrupts.
func (st *State) Interruptible() bool {
	return st.intr.Load() != nil || st.inTask() != nil || st.HasSignals()
}

// Wait blocks until fd is ready for reading (writing, if write is set), or
// timeout has passed (negative: no timeout), or the runtime's context is
// done. It returns inherit.TimedOut, or luaerr.ErrInterrupted when interrupted.
// Without a context and without a timeout it returns at once: the caller's
// blocking call then waits in the kernel, which costs no extra system call.
// An error of the wait itself (a closed descriptor) gives Ready, so that
// the caller's own call reports it. A signal that the scripts handle runs
// its handler here, and the wait resumes (PEP 475) with what is left of
// timeout; a handler's error is raised.
func (st *State) Wait(fd int, write bool, timeout time.Duration) (inherit.Readiness, error) {
	if t := st.inTask(); t != nil {
		return t.Wait(fd, write, timeout)
	}
	in := st.intr.Load()
	if in == nil && !st.HasSignals() {
		if timeout < 0 {
			return inherit.Ready, nil
		}
		return inherit.Wait(fd, write, timeout, -1)
	}
	r, err := st.resumable(in, timeout, func(d time.Duration, wake int) (inherit.Readiness, error) {
		return inherit.Wait(fd, write, d, wake)
	})
	if err != nil && r != inherit.Woken {
		// A bad descriptor: the call that follows reports it, under its
		// own name.
		return inherit.Ready, nil
	}
	return r, err
}

// resumable runs wait with what is left of timeout and the runtime's
// waker (interrupt in) until it ends for another reason than the waker:
// on each wake, a signal's handler runs and the wait resumes (PEP 475),
// unless the runtime is interrupted or the handler raises, which returns
// inherit.Woken and that error.
func (st *State) resumable(in *interrupt, timeout time.Duration, wait func(left time.Duration, wake int) (inherit.Readiness, error)) (inherit.Readiness, error) {
	deadline := deadlineOf(timeout)
	for {
		wake, err := st.wakeFd(in)
		if err != nil {
			return inherit.Woken, err
		}
		r, err := wait(left(deadline, timeout), wake)
		if r == inherit.Woken {
			if err := st.woken(in); err != nil {
				return r, err
			}
			continue
		}
		return r, err
	}
}

// deadlineOf returns when a wait of timeout ends (zero: never).
func deadlineOf(timeout time.Duration) time.Time {
	if timeout < 0 {
		return time.Time{}
	}
	return time.Now().Add(timeout)
}

// left returns what is left of a wait of timeout that ends at deadline.
func left(deadline time.Time, timeout time.Duration) time.Duration {
	if timeout < 0 {
		return -1
	}
	return max(time.Until(deadline), 0)
}

// Sleep waits for d, or until interrupted; a signal's handler runs in it,
// and the sleep resumes for what is left of d.
func (st *State) Sleep(d time.Duration) error {
	if t := st.inTask(); t != nil {
		return t.Sleep(d)
	}
	in := st.intr.Load()
	if in == nil && !st.HasSignals() {
		time.Sleep(d)
		return nil
	}
	deadline := time.Now().Add(d)
	for {
		wake, err := st.wakeFd(in)
		if err != nil {
			return err
		}
		rest := max(time.Until(deadline), 0)
		if wake < 0 {
			time.Sleep(rest)
			return nil
		}
		if rest == 0 {
			return nil
		}
		// The waker itself, readable when the context is done or a
		// signal has come.
		r, _ := inherit.Wait(wake, false, rest, -1)
		if r != inherit.Ready {
			return nil
		}
		if err := st.woken(in); err != nil {
			return err
		}
	}
}

// WaitProcess waits until p exits and is reaped, for at most timeout
// (negative: no limit), or until interrupted. It returns inherit.TimedOut,
// or luaerr.ErrInterrupted when interrupted. A signal's handler runs in
// it, and the wait resumes.
func (st *State) WaitProcess(p *inherit.Process, timeout time.Duration) (inherit.Readiness, error) {
	if t := st.inTask(); t != nil {
		return t.WaitProcess(p, timeout)
	}
	return st.resumable(st.intr.Load(), timeout, p.Wait)
}

// Poll waits as inherit.Poll does, interruptibly: it returns
// luaerr.ErrInterrupted when the runtime's context is done. A signal's
// handler runs in it, and the wait resumes.
func (st *State) Poll(fds []inherit.PollFd, timeout time.Duration) (inherit.Readiness, error) {
	if t := st.inTask(); t != nil {
		return t.Poll(fds, timeout)
	}
	return st.resumable(st.intr.Load(), timeout, func(d time.Duration, wake int) (inherit.Readiness, error) {
		return inherit.Poll(fds, d, wake)
	})
}

// WakeFd returns the descriptor that the runtime's context makes readable
// when it is done, and a signal that the scripts handle when it comes,
// for a caller that waits on many descriptors itself (select, task), or
// -1 when calls are not interruptible. It returns luaerr.ErrInterrupted
// if the context is done already. A caller woken by it calls Woke.
func (st *State) WakeFd() (int, error) {
	in := st.intr.Load()
	if in != nil && in.ctx.Err() != nil {
		return -1, luaerr.ErrInterrupted
	}
	if in != nil {
		return in.waker.Fd(), nil
	}
	if !st.HasSignals() {
		return -1, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.waker == nil {
		return -1, nil
	}
	return st.waker.Fd(), nil
}
