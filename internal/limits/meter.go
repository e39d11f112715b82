package limits

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/safesh/safesh/inherit"
)

// HookEvery is how many VM instructions run between two calls of the
// Meter's Step: the instruction limit is exact to within it, and the CPU
// clock is read once per HookEvery instructions.
const HookEvery = 1024

// A Meter counts what one runtime's running chunk uses of the limits that
// end a chunk, and trips once one is reached: it then calls the function
// Start was given (the runtime's cancel), once, and keeps the Error for
// the runtime to return. Step and Alloc run in the runtime's goroutine;
// Trip, Tripped and the watchdog may run in any.
type Meter struct {
	lim Limits

	instructions int64
	cpu          int64 // ns counted so far
	tid          int   // the OS thread of the last clock reading
	last         int64 // its CPU clock then, ns
	wall         time.Time

	accounted atomic.Int64 // bytes the builtins asked for this chunk
	baseline  int64        // the process's heap when the chunk began
	running   bool         // between Start and Finish: Alloc counts
	small     int64        // bytes of small requests not yet in accounted
	// After a collection Alloc made: the heap's growth it measured, and
	// accounted then (see Alloc).
	gcGrown, gcAccounted int64
	gcValid              bool

	mu      sync.Mutex
	stop    func()
	tripped *Error
}

// NewMeter returns a Meter for lim.
func NewMeter(lim Limits) *Meter { return &Meter{lim: lim} }

// Limits returns the Meter's limits.
func (m *Meter) Limits() Limits { return m.lim }

// Counts says whether the Meter has anything to count in the VM loop.
func (m *Meter) Counts() bool {
	return m.lim.Instructions > 0 || m.lim.CPUTime > 0 || m.lim.Memory > 0
}

// Start resets the counters for a new chunk; stop ends it (it cancels the
// chunk's context). With a memory limit, it registers the Meter with the
// heap watchdog until Finish.
func (m *Meter) Start(stop func()) {
	m.mu.Lock()
	m.stop, m.tripped = stop, nil
	m.mu.Unlock()
	m.instructions, m.cpu, m.tid = 0, 0, 0
	m.wall = time.Now()
	m.accounted.Store(0)
	m.small, m.gcValid = 0, false
	if m.lim.CPUTime > 0 {
		m.tid, m.last, _ = inherit.ThreadCPUTime()
	}
	if m.lim.Memory > 0 {
		m.baseline = heapObjects()
		m.running = true
		watch(m)
	}
}

// Finish ends the chunk's count and returns the Error that tripped, if
// any.
func (m *Meter) Finish() *Error {
	if m.lim.Memory > 0 {
		unwatch(m)
		m.running = false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stop = nil
	return m.tripped
}

// Trip records e as the reason the chunk ends, unless one already is, and
// stops the chunk. It returns the Error that stands.
func (m *Meter) Trip(e *Error) *Error {
	m.mu.Lock()
	if m.tripped == nil {
		m.tripped = e
	}
	e, stop := m.tripped, m.stop
	m.mu.Unlock()
	if stop != nil {
		stop()
	}
	return e
}

// Tripped returns the Error that ended the chunk, or nil.
func (m *Meter) Tripped() *Error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tripped
}

// Step counts n instructions run, and the CPU time since the last Step;
// past a limit it trips and returns the Error.
func (m *Meter) Step(n int) *Error {
	m.instructions += int64(n)
	if l := m.lim.Instructions; l > 0 && m.instructions > l {
		return m.Trip(&Error{Limit: Instructions, Value: l, Used: m.instructions})
	}
	if l := m.lim.CPUTime; l > 0 {
		if used := m.CPU(); used > l {
			return m.Trip(&Error{Limit: CPUTime, Value: int64(l), Used: int64(used)})
		}
	}
	return nil
}

// CPU returns the CPU time the chunk has used so far: the sum of the
// thread CPU clock's advances between readings on the same OS thread
// (the goroutine may move), or the wall time where there is no such
// clock.
func (m *Meter) CPU() time.Duration {
	tid, now, ok := inherit.ThreadCPUTime()
	if !ok {
		return time.Since(m.wall)
	}
	if tid == m.tid && now > m.last {
		m.cpu += now - m.last
	}
	m.tid, m.last = tid, now
	return time.Duration(m.cpu)
}

// bigAlloc is the size from which Alloc looks at the process's heap: a
// smaller request is added up with the others, and the heap is looked at
// once they make smallBatch, so that the common case costs an addition
// and a comparison.
const (
	bigAlloc   = 64 << 10
	smallBatch = 256 << 10
)

// undercount is how much more Go may allocate than Alloc is told: the
// VM's estimates of tables, closures and coroutines are at least half of
// it (gopher-lua's allochook.go; 0.5 to 0.95 measured).
const undercount = 2

// Alloc is called by a builtin before it allocates n bytes for the
// script, and by the VM before it makes or grows a table, a closure or a
// coroutine (gopher-lua patches 0011 and 0012). Past the memory limit (n
// alone, or n on top of what the process grew by since the chunk began),
// it trips and returns the Error: the builtin must then raise "not
// enough memory" and allocate nothing. Outside a chunk (before Start,
// after Finish), where the host's Go code may grow the runtime's tables,
// it counts nothing and returns nil.
//
// The common case, a small request that does not complete a batch, is
// inlined into the caller: an addition and two comparisons.
//
// The heap is the process's: its growth is blamed on this chunk only if
// what the chunk asked for can explain it (undercount times what was
// accounted is past the limit). Growth that it cannot explain (another
// runtime's, the host's) is left to the watchdog, which tells apart the
// runtimes that are over.
func (m *Meter) Alloc(n int64) *Error {
	// Small requests (tables, closures, short strings) add up: the heap
	// is looked at once they make smallBatch, for what they have
	// allocated so far and this one. (Outside a chunk they add up too,
	// harmlessly: Start clears them.)
	if uint64(n) < bigAlloc && m.small+n < smallBatch { // n < 0 is too much
		m.small += n
		return nil
	}
	return m.alloc(n)
}

// alloc is Alloc past its common case.
func (m *Meter) alloc(n int64) *Error {
	l := m.lim.Memory
	if l <= 0 || !m.running {
		m.small = 0
		return nil
	}
	if n < 0 {
		n = 1 << 62
	}
	if n < bigAlloc {
		m.small += n
		m.accounted.Add(m.small)
		m.small = 0
	} else {
		m.accounted.Add(n)
	}
	total := m.accounted.Load()
	if n > l {
		return m.Trip(&Error{Limit: Memory, Value: l, Used: n})
	}
	if undercount*total <= l {
		return nil
	}
	grown := max(heapObjects()-m.baseline, 0)
	if grown+n > l {
		// What looks like growth may be garbage not yet collected. Once
		// a collection has measured the growth, undercount times what
		// was accounted since is added to it instead, until that too is
		// over the limit: a script that keeps near its limit and makes
		// garbage is not collected at every request.
		if m.gcValid && m.gcGrown+undercount*(total-m.gcAccounted)+n <= l {
			return nil
		}
		runtime.GC()
		grown = max(heapObjects()-m.baseline, 0)
		m.gcGrown, m.gcAccounted, m.gcValid = grown, total, true
	}
	if grown+n > l {
		return m.Trip(&Error{Limit: Memory, Value: l, Used: max(grown+n, total)})
	}
	return nil
}

// Accounted returns the bytes the builtins asked for in this chunk.
func (m *Meter) Accounted() int64 { return m.accounted.Load() }
