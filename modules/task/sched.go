//go:build unix

package task

import (
	"container/heap"
	"errors"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// errCancelled ends the wait of a cancelled task. It is an interruption,
// so the blocking call raises rather than returning it.
var errCancelled = &wrapped{"cancelled", luaerr.ErrInterrupted}

// errNotPollable is a poller's refusal of a descriptor that is always
// ready (a regular file).
var errNotPollable = errors.New("not pollable")

// errDeadlock ends the waits of tasks that nothing can wake: every task
// left waits on a channel or a join.
var errDeadlock = errors.New("deadlock: every task left is waiting for another")

type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }

// sched is one runtime's scheduler. Each task runs Lua on a goroutine of
// its own, in a gopher-lua thread of the runtime's state; exactly one of
// them, or the scheduler, runs at any moment: the baton passes through
// the task's wake channel and the scheduler's back channel, so that the
// Lua state is never used by two goroutines at once. A blocking call in a
// task records what it waits for, hands the baton back and waits for its
// wake; the scheduler waits for every task's descriptors, timers and
// children in one epoll_wait (poll off Linux).
type sched struct {
	L       *lua.LState // the runtime's main state
	st      *state.State
	running bool
	current *task
	runq    []*task
	back    chan struct{}
	poll    *poller
	fds     map[int]*fdWaiters
	timers  timerHeap
	alive   int            // tasks started and not ended
	live    map[*task]bool // tasks started and not ended
	spawned *[]*task       // every task of this run, for report
	stop    error          // set when the run is interrupted: every wait fails with it
}

// fdWaiters are the tasks waiting on one descriptor.
type fdWaiters struct {
	readers, writers []*task
}

// wakeMsg is what a task is woken with.
type wakeMsg struct {
	r   inherit.Readiness
	err error
}

// Active implements state.Suspender: the caller is a task.
func (s *sched) Active() bool { return s.running && s.current != nil }

// block hands the baton back to the scheduler and waits until the
// scheduler wakes t again.
func (s *sched) block(t *task) wakeMsg {
	thread := s.L.G.CurrentThread
	s.back <- struct{}{}
	m := <-t.wake
	s.L.G.CurrentThread = thread
	return m
}

// resume runs t until it blocks or ends.
func (s *sched) resume(t *task, m wakeMsg) {
	s.current = t
	if !t.started {
		t.started = true
		s.alive++
		s.live[t] = true
		go t.main()
	}
	t.wake <- m
	<-s.back
	s.current = nil
	s.L.G.CurrentThread = s.L
}

// ready puts t on the run queue, to be woken with m.
func (s *sched) ready(t *task, m wakeMsg) {
	t.msg = m
	s.runq = append(s.runq, t)
}

// suspend makes the current task wait: for the descriptors of fds (each
// for reading, or writing where Write is set), until deadline (zero: no
// limit). It returns what woke it.
func (s *sched) suspend(fds []inherit.PollFd, deadline time.Time) wakeMsg {
	t := s.current
	if s.stop != nil {
		return wakeMsg{inherit.Woken, s.stop}
	}
	if t.cancelled {
		return wakeMsg{inherit.Woken, errCancelled}
	}
	for _, f := range fds {
		if f.Fd < 0 {
			continue
		}
		if err := s.arm(t, f.Fd, f.Write); err != nil {
			s.disarm(t)
			return wakeMsg{inherit.Ready, nil} // the call reports the descriptor's error
		}
	}
	if !deadline.IsZero() {
		t.deadline = deadline
		heap.Push(&s.timers, t)
	}
	return s.block(t)
}

func (s *sched) arm(t *task, fd int, write bool) error {
	w := s.fds[fd]
	if w == nil {
		w = &fdWaiters{}
		s.fds[fd] = w
	}
	if write {
		w.writers = append(w.writers, t)
	} else {
		w.readers = append(w.readers, t)
	}
	t.waitFds = append(t.waitFds, fd)
	err := s.poll.arm(fd, len(w.readers) > 0, len(w.writers) > 0)
	if err == errNotPollable {
		// A regular file: always ready.
		s.disarm(t)
		s.ready(t, wakeMsg{inherit.Ready, nil})
		return nil
	}
	return err
}

// disarm removes t from every wait it is in.
func (s *sched) disarm(t *task) {
	for _, fd := range t.waitFds {
		if w := s.fds[fd]; w != nil {
			w.readers = remove(w.readers, t)
			w.writers = remove(w.writers, t)
			if len(w.readers) == 0 && len(w.writers) == 0 {
				delete(s.fds, fd)
			}
		}
	}
	t.waitFds = t.waitFds[:0]
	if t.timerIdx >= 0 {
		heap.Remove(&s.timers, t.timerIdx)
	}
	t.deadline = time.Time{}
}

func remove(list []*task, t *task) []*task {
	for i, x := range list {
		if x == t {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// wakeFd wakes the waiters of fd that it is ready for, and re-arms it for
// the others.
func (s *sched) wakeFd(fd int, readable, writable bool) {
	w := s.fds[fd]
	if w == nil {
		return
	}
	var woke []*task
	if readable {
		woke = append(woke, w.readers...)
	}
	if writable {
		woke = append(woke, w.writers...)
	}
	for _, t := range woke {
		s.disarm(t)
		s.ready(t, wakeMsg{inherit.Ready, nil})
	}
	if w := s.fds[fd]; w != nil {
		if err := s.poll.arm(fd, len(w.readers) > 0, len(w.writers) > 0); err != nil {
			for _, t := range append(append([]*task(nil), w.readers...), w.writers...) {
				s.disarm(t)
				s.ready(t, wakeMsg{inherit.Ready, nil})
			}
		}
	}
}

// loop runs the tasks until every one has ended.
func (s *sched) loop() {
	for s.alive > 0 || len(s.runq) > 0 {
		if s.stop == nil {
			if _, err := s.st.WakeFd(); err != nil {
				s.interrupt(err)
			}
		}
		for len(s.runq) > 0 {
			t := s.runq[0]
			s.runq[0] = nil
			s.runq = s.runq[1:]
			if t.done {
				continue
			}
			if !t.started && (s.stop != nil || t.cancelled) {
				t.finishUnstarted(s)
				continue
			}
			s.resume(t, t.msg)
		}
		if s.alive == 0 {
			break
		}
		if len(s.fds) == 0 && s.timers.Len() == 0 {
			// Nothing can wake the tasks left: they wait on each other.
			s.failAll(errDeadlock)
			continue
		}
		timeout := time.Duration(-1)
		if s.timers.Len() > 0 {
			timeout = max(time.Until(s.timers[0].deadline), 0)
		}
		wake, err := s.st.WakeFd()
		if err != nil && s.stop == nil {
			s.interrupt(err)
			continue
		}
		woken, err := s.poll.wait(timeout, wake, s.wakeFd)
		if err != nil {
			s.failAll(err)
			continue
		}
		if woken {
			// The runtime's context, or a signal: its handler runs here,
			// in the main state, and the tasks go on waiting, unless it
			// raised (task.run then raises its error).
			if err := s.st.Woke(); err != nil {
				s.interrupt(err)
			}
		}
		now := time.Now()
		for s.timers.Len() > 0 && !s.timers[0].deadline.After(now) {
			t := s.timers[0]
			s.disarm(t)
			s.ready(t, wakeMsg{inherit.TimedOut, nil})
		}
	}
}

// interrupt stops the run: every task waiting is woken with err, and
// every wait to come fails with it.
func (s *sched) interrupt(err error) {
	s.stop = err
	s.failAll(err)
}

// failAll wakes every waiting task with err.
func (s *sched) failAll(err error) {
	for _, t := range s.waiting() {
		s.disarm(t)
		s.ready(t, wakeMsg{inherit.Woken, err})
	}
}

// waiting returns the tasks started, not ended, and not on the run queue.
func (s *sched) waiting() []*task {
	queued := map[*task]bool{}
	for _, t := range s.runq {
		queued[t] = true
	}
	var list []*task
	for t := range s.live {
		if !queued[t] {
			list = append(list, t)
		}
	}
	return list
}

// Wait implements state.Suspender.
func (s *sched) Wait(fd int, write bool, timeout time.Duration) (inherit.Readiness, error) {
	if s.stop == nil && !s.current.cancelled {
		// Ready already: no need to leave the task.
		if r, err := inherit.Wait(fd, write, 0, -1); err != nil || r == inherit.Ready {
			return inherit.Ready, nil
		}
		if timeout == 0 {
			return inherit.TimedOut, nil
		}
	}
	fds := [1]inherit.PollFd{{Fd: fd, Write: write}}
	m := s.suspend(fds[:], deadlineOf(timeout))
	return m.r, m.err
}

// Poll implements state.Suspender.
func (s *sched) Poll(fds []inherit.PollFd, timeout time.Duration) (inherit.Readiness, error) {
	deadline := deadlineOf(timeout)
	for {
		if s.stop == nil && !s.current.cancelled {
			if r, err := inherit.Poll(fds, 0, -1); err != nil || r == inherit.Ready {
				return r, err
			}
			if timeout == 0 || (!deadline.IsZero() && !time.Now().Before(deadline)) {
				return inherit.TimedOut, nil
			}
		}
		m := s.suspend(fds, deadline)
		if m.err != nil || m.r == inherit.TimedOut {
			return m.r, m.err
		}
		// Woken by one: the next turn sets Ready on every one that is.
	}
}

// Sleep implements state.Suspender.
func (s *sched) Sleep(d time.Duration) error {
	if d <= 0 {
		return s.Yield()
	}
	m := s.suspend(nil, time.Now().Add(d))
	return m.err
}

// Yield lets every other task that is ready run first.
func (s *sched) Yield() error {
	t := s.current
	if s.stop != nil {
		return s.stop
	}
	if t.cancelled {
		return errCancelled
	}
	s.ready(t, wakeMsg{})
	return s.block(t).err
}

// WaitProcess implements state.Suspender: the child's pidfd (a reaper's
// pipe off Linux) waits in the same set as every descriptor.
func (s *sched) WaitProcess(p *inherit.Process, timeout time.Duration) (inherit.Readiness, error) {
	deadline := deadlineOf(timeout)
	for {
		if _, done, err := p.Poll(); done || err != nil {
			return inherit.Ready, err
		}
		fd, err := p.WaitFd()
		if err != nil || fd < 0 {
			return inherit.Ready, err
		}
		if timeout == 0 || (!deadline.IsZero() && !time.Now().Before(deadline)) {
			return inherit.TimedOut, nil
		}
		if r, _ := inherit.Wait(fd, false, 0, -1); r == inherit.Ready {
			// Exited, but the reaper is not done yet.
			if err := s.Sleep(time.Millisecond); err != nil {
				return inherit.Woken, err
			}
			continue
		}
		fds := [1]inherit.PollFd{{Fd: fd}}
		m := s.suspend(fds[:], deadline)
		if m.err != nil {
			return m.r, m.err
		}
	}
}

func deadlineOf(timeout time.Duration) time.Time {
	if timeout < 0 {
		return time.Time{}
	}
	return time.Now().Add(timeout)
}

// timerHeap orders the waiting tasks that have a deadline.
type timerHeap []*task

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].deadline.Before(h[j].deadline) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].timerIdx = i
	h[j].timerIdx = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*task)
	t.timerIdx = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.timerIdx = -1
	return t
}
