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
// Inside a task they always must: the wait suspends only the task.
func (st *State) Interruptible() bool { return st.intr.Load() != nil || st.inTask() != nil }

// Wait blocks until fd is ready for reading (writing, if write is set), or
// timeout has passed (negative: no timeout), or the runtime's context is
// done. It returns inherit.TimedOut, or luaerr.ErrInterrupted when interrupted.
// Without a context and without a timeout it returns at once: the caller's
// blocking call then waits in the kernel, which costs no extra system call.
// An error of the wait itself (a closed descriptor) gives Ready, so that
// the caller's own call reports it.
func (st *State) Wait(fd int, write bool, timeout time.Duration) (inherit.Readiness, error) {
	if t := st.inTask(); t != nil {
		return t.Wait(fd, write, timeout)
	}
	in := st.intr.Load()
	if in == nil {
		if timeout < 0 {
			return inherit.Ready, nil
		}
		return inherit.Wait(fd, write, timeout, -1)
	}
	if in.ctx.Err() != nil {
		return inherit.Woken, luaerr.ErrInterrupted
	}
	r, err := inherit.Wait(fd, write, timeout, in.waker.Fd())
	if r == inherit.Woken {
		return r, luaerr.ErrInterrupted
	}
	if err != nil {
		// A bad descriptor: the call that follows reports it, under its
		// own name.
		return inherit.Ready, nil
	}
	return r, nil
}

// Sleep waits for d, or until interrupted.
func (st *State) Sleep(d time.Duration) error {
	if t := st.inTask(); t != nil {
		return t.Sleep(d)
	}
	in := st.intr.Load()
	if in == nil {
		time.Sleep(d)
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-in.ctx.Done():
		return luaerr.ErrInterrupted
	}
}

// WaitProcess waits until p exits and is reaped, for at most timeout
// (negative: no limit), or until interrupted. It returns inherit.TimedOut,
// or luaerr.ErrInterrupted when interrupted.
func (st *State) WaitProcess(p *inherit.Process, timeout time.Duration) (inherit.Readiness, error) {
	if t := st.inTask(); t != nil {
		return t.WaitProcess(p, timeout)
	}
	wake := -1
	if in := st.intr.Load(); in != nil {
		if in.ctx.Err() != nil {
			return inherit.Woken, luaerr.ErrInterrupted
		}
		wake = in.waker.Fd()
	}
	r, err := p.Wait(timeout, wake)
	if r == inherit.Woken {
		return r, luaerr.ErrInterrupted
	}
	return r, err
}

// Poll waits as inherit.Poll does, interruptibly: it returns
// luaerr.ErrInterrupted when the runtime's context is done.
func (st *State) Poll(fds []inherit.PollFd, timeout time.Duration) (inherit.Readiness, error) {
	if t := st.inTask(); t != nil {
		return t.Poll(fds, timeout)
	}
	wake := -1
	if in := st.intr.Load(); in != nil {
		if in.ctx.Err() != nil {
			return inherit.Woken, luaerr.ErrInterrupted
		}
		wake = in.waker.Fd()
	}
	r, err := inherit.Poll(fds, timeout, wake)
	if r == inherit.Woken {
		return r, luaerr.ErrInterrupted
	}
	return r, err
}

// WakeFd returns the descriptor that the runtime's context makes readable
// when it is done, for a caller that waits on many descriptors itself
// (select, task), or -1 when calls are not interruptible. It returns
// luaerr.ErrInterrupted if the context is done already.
func (st *State) WakeFd() (int, error) {
	in := st.intr.Load()
	if in == nil {
		return -1, nil
	}
	if in.ctx.Err() != nil {
		return -1, luaerr.ErrInterrupted
	}
	return in.waker.Fd(), nil
}
