//go:build unix

package task

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// task is one task: a function, its own gopher-lua thread, and the
// goroutine that runs it once the scheduler first wakes it.
type task struct {
	s         *sched
	co        *lua.LState
	stopCtx   func() // releases co's context, or nil
	fn        *lua.LFunction
	args      []lua.LValue
	nargs     int
	ud        *lua.LUserData
	wake      chan wakeMsg
	msg       wakeMsg // what the next resume wakes it with
	started   bool
	done      bool
	cancelled bool
	joined    bool
	results   []lua.LValue
	err       lua.LValue // the error that ended it, or nil
	joiners   []*task
	waitFds   []int
	deadline  time.Time
	timerIdx  int
	recvVal   lua.LValue // a value a sender handed it, with gotVal
	gotVal    bool
}

const taskTypeName = "task.task"

// main runs the task's function on the task's goroutine, handing the
// baton back when it ends.
func (t *task) main() {
	<-t.wake
	s := t.s
	s.L.G.CurrentThread = t.co
	if ctx := s.L.Context(); ctx != nil {
		// The context of the chunk that runs the scheduler, which may
		// not be the one that spawned the task.
		t.co.SetContext(ctx)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.err = lua.LString(fmt.Sprint(r))
			}
		}()
		t.co.Push(t.fn)
		for _, a := range t.args {
			t.co.Push(a)
		}
		t.args = nil
		if err := t.co.PCall(t.nargs, lua.MultRet, nil); err != nil {
			if ae, ok := err.(*lua.ApiError); ok && ae.Object != nil {
				t.err = ae.Object
			} else {
				t.err = lua.LString(err.Error())
			}
			if t.cancelled {
				t.err = lua.LString("cancelled")
			}
		} else {
			n := t.co.GetTop()
			t.results = make([]lua.LValue, n)
			for i := 1; i <= n; i++ {
				t.results[i-1] = t.co.Get(i)
			}
		}
		t.co.SetTop(0)
	}()
	t.end(s)
	s.back <- struct{}{}
}

// end marks t ended and wakes its joiners.
func (t *task) end(s *sched) {
	t.done = true
	delete(s.live, t)
	s.alive--
	for _, j := range t.joiners {
		s.disarm(j)
		s.ready(j, wakeMsg{inherit.Ready, nil})
	}
	t.joiners = nil
	// Not t.co.Close, which would remove the files of gopher-lua's
	// io.tmpfile for the whole state: the thread is left to the
	// collector, and only its context is released.
	if t.stopCtx != nil {
		t.stopCtx()
	}
	t.co = nil
}

// finishUnstarted ends a task that never ran: cancelled, or its run was
// interrupted.
func (t *task) finishUnstarted(s *sched) {
	t.done = true
	t.err = lua.LString("cancelled")
	if s.stop != nil {
		t.err = lua.LString(luaerr.Message(s.stop))
	}
	for _, j := range t.joiners {
		s.disarm(j)
		s.ready(j, wakeMsg{inherit.Ready, nil})
	}
	t.joiners = nil
}

// module binds the task functions to one runtime.
type module struct {
	st *state.State
	s  *sched
}

// Loader returns the task module.
func Loader(L *lua.LState) int {
	st := state.Get(L)
	m := &module{st: st}
	m.s = &sched{L: L, st: st, back: make(chan struct{}), fds: map[int]*fdWaiters{}, live: map[*task]bool{}}
	mt := L.NewTypeMetatable(taskTypeName)
	L.SetField(mt, "__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"join":   m.taskJoin,
		"cancel": m.taskCancel,
		"done":   m.taskDone,
	}))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		t := checkTask(L)
		state := "pending"
		switch {
		case t.done && t.err != nil:
			state = "failed"
		case t.done:
			state = "done"
		case t.started:
			state = "running"
		}
		L.Push(lua.LString(fmt.Sprintf("task (%s)", state)))
		return 1
	}))
	openChannel(L)
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"spawn":   m.spawn,
		"run":     m.run,
		"sleep":   m.sleep,
		"yield":   m.yield,
		"current": m.current,
		"channel": m.channel,
	})
	L.Push(mod)
	return 1
}

func checkTask(L *lua.LState) *task {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if t, ok := ud.Value.(*task); ok {
			return t
		}
	}
	luaargs.ArgError(L, 1, "task expected, got "+luaargs.TypeName(L, 1))
	return nil
}

// spawn is task.spawn(fn, ...): a new task, run by task.run.
func (m *module) spawn(L *lua.LState) int {
	fn, ok := L.Get(1).(*lua.LFunction)
	if !ok {
		luaargs.TypeError(L, 1, "function")
	}
	t := m.newTask(L, fn, 2)
	L.Push(t.ud)
	return 1
}

func (m *module) newTask(L *lua.LState, fn *lua.LFunction, from int) *task {
	// The thread takes L's context, so that gopher-lua's own check
	// between instructions stops a task that never waits.
	co, stop := L.NewThread()
	t := &task{s: m.s, co: co, stopCtx: stop, fn: fn, wake: make(chan wakeMsg), timerIdx: -1}
	for i := from; i <= L.GetTop(); i++ {
		t.args = append(t.args, L.Get(i))
	}
	t.nargs = len(t.args)
	t.ud = L.NewUserData()
	t.ud.Value = t
	L.SetMetatable(t.ud, L.GetTypeMetatable(taskTypeName))
	m.s.runq = append(m.s.runq, t)
	if m.s.spawned != nil {
		*m.s.spawned = append(*m.s.spawned, t)
	}
	return t
}

// run is task.run([fn, ...]): it runs every task until all have ended;
// with fn, it first spawns fn(...) and returns what it returned, or nil
// and its error.
func (m *module) run(L *lua.LState) int {
	s := m.s
	if s.running {
		L.RaiseError("task.run: the scheduler is running already")
	}
	var main *task
	if L.GetTop() >= 1 {
		fn, ok := L.Get(1).(*lua.LFunction)
		if !ok {
			luaargs.TypeError(L, 1, "function")
		}
		main = m.newTask(L, fn, 2)
		main.joined = true
	}
	if err := m.runLoop(L, main); err != nil {
		return luaerr.PushError(L, err)
	}
	if stop := s.stop; stop != nil {
		s.stop = nil
		var herr *state.HandlerError
		if errors.As(stop, &herr) {
			L.Error(herr.Value, 0) // a signal handler's error, as it raised it
		}
		return luaerr.PushError(L, luaerr.ErrInterrupted)
	}
	if main != nil {
		return pushResults(L, main)
	}
	return 0
}

// runLoop runs the scheduler until every task has ended, then reports
// the failed tasks no one joined. The poller lives for one run.
func (m *module) runLoop(L *lua.LState, main *task) error {
	s := m.s
	p, err := newPoller()
	if err != nil {
		return err
	}
	s.poll = p
	defer func() {
		m.st.SetTasks(nil)
		s.running = false
		p.close()
		s.poll = nil
	}()
	m.st.FlushStdout()
	s.running = true
	s.stop = nil
	m.st.SetTasks(s)
	all := append([]*task(nil), s.runq...)
	s.spawned = &all
	s.loop()
	s.spawned = nil
	m.report(L, all, main)
	return nil
}

// report writes on stderr the error of every failed task that no one
// joined.
func (m *module) report(L *lua.LState, tasks []*task, main *task) {
	for _, t := range tasks {
		if t == main || t.joined || t.err == nil || t.err.String() == "cancelled" {
			continue
		}
		t.joined = true
		io, ok := L.GetGlobal("io").(*lua.LTable)
		if !ok {
			continue
		}
		stderr := io.RawGetString("stderr")
		if write := L.GetField(stderr, "write"); write != lua.LNil {
			L.CallByParam(lua.P{Fn: write, NRet: 0, Protect: true}, stderr,
				lua.LString("task: "+t.err.String()+"\n"))
		}
	}
}

func pushResults(L *lua.LState, t *task) int {
	t.joined = true
	if t.err != nil {
		L.Push(lua.LNil)
		L.Push(t.err)
		return 2
	}
	for _, v := range t.results {
		L.Push(v)
	}
	return len(t.results)
}

// taskJoin is t:join([timeout]): the task's results, or nil and its
// error, or nil, "timeout" when it has not ended in time. Outside a task
// it runs the scheduler until t ends.
func (m *module) taskJoin(L *lua.LState) int {
	t := checkTask(L)
	timeout := optTimeout(L, 2)
	s := m.s
	if !t.done {
		if s.Active() {
			cur := s.current
			if cur == t {
				L.RaiseError("a task cannot join itself")
			}
			t.joiners = append(t.joiners, cur)
			var wm wakeMsg
			if s.stop != nil {
				wm = wakeMsg{inherit.Woken, s.stop}
			} else if cur.cancelled {
				wm = wakeMsg{inherit.Woken, errCancelled}
			} else {
				if timeout >= 0 {
					cur.deadline = time.Now().Add(timeout)
					heap.Push(&s.timers, cur)
				}
				wm = s.block(cur)
			}
			t.joiners = remove(t.joiners, cur)
			if wm.err != nil {
				return luaerr.PushError(L, wm.err)
			}
		} else if !s.running {
			if err := m.runLoop(L, nil); err != nil {
				return luaerr.PushError(L, err)
			}
			if s.stop != nil {
				s.stop = nil
				return luaerr.PushError(L, luaerr.ErrInterrupted)
			}
		}
		if !t.done {
			L.Push(lua.LNil)
			L.Push(lua.LString("timeout"))
			return 2
		}
	}
	return pushResults(L, t)
}

func (m *module) taskCancel(L *lua.LState) int {
	t := checkTask(L)
	if !t.done && !t.cancelled {
		t.cancelled = true
		s := m.s
		if t.started && t != s.current && !inQueue(s, t) {
			s.disarm(t)
			s.ready(t, wakeMsg{inherit.Woken, errCancelled})
		}
	}
	return 0
}

func inQueue(s *sched, t *task) bool {
	for _, x := range s.runq {
		if x == t {
			return true
		}
	}
	return false
}

func (m *module) taskDone(L *lua.LState) int {
	L.Push(lua.LBool(checkTask(L).done))
	return 1
}

func (m *module) current(L *lua.LState) int {
	if m.s.Active() {
		L.Push(m.s.current.ud)
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

// sleep is task.sleep(seconds): time.sleep, which suspends only the task.
func (m *module) sleep(L *lua.LState) int {
	d := optTimeout(L, 1)
	if d < 0 {
		luaargs.TypeError(L, 1, "number")
	}
	if err := m.st.Sleep(d); err != nil {
		return luaerr.PushError(L, err)
	}
	return 0
}

func (m *module) yield(L *lua.LState) int {
	if m.s.Active() {
		if err := m.s.Yield(); err != nil {
			return luaerr.PushError(L, err)
		}
	}
	return 0
}

// optTimeout reads an optional non-negative number of seconds.
func optTimeout(L *lua.LState, n int) time.Duration {
	if L.Get(n) == lua.LNil {
		return -1
	}
	v := luaargs.CheckNumber(L, n)
	switch {
	case math.IsNaN(v):
		luaargs.ArgError(L, n, "timeout is not a number")
	case v < 0:
		luaargs.ArgError(L, n, "timeout must be non-negative")
	case v > float64(math.MaxInt64)/1e9:
		luaargs.ArgError(L, n, "timeout is too large")
	}
	return time.Duration(v * 1e9)
}
