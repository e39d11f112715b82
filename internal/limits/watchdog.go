package limits

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// The heap watchdog: one goroutine for the process, running while a chunk
// with a memory limit runs. Every WatchEvery it reads the Go heap; a chunk
// whose limit the heap has grown past since the chunk began is, after a
// collection confirms it, stopped with a Memory Error. When several
// chunks are over, the one whose builtins asked for the most bytes is
// stopped first (ties: all of them), and the others are looked at again
// at the next tick: the heap is the process's, so a bomb in one runtime
// makes every runtime's growth look large, but its builtins' requests are
// its own.
//
// The watchdog catches what Alloc is not told of (userdata, substrings,
// a data stack's growth, a neighbour's or the host's allocations), and
// growth that Alloc does not blame on its chunk. Between two ticks a
// script can allocate what the machine allocates in WatchEvery (tens of
// MB).

// WatchEvery is the watchdog's period.
const WatchEvery = 5 * time.Millisecond

var wd struct {
	mu      sync.Mutex
	meters  map[*Meter]struct{}
	running bool
}

func watch(m *Meter) {
	wd.mu.Lock()
	defer wd.mu.Unlock()
	if wd.meters == nil {
		wd.meters = map[*Meter]struct{}{}
	}
	wd.meters[m] = struct{}{}
	if !wd.running {
		wd.running = true
		go watchLoop()
	}
}

func unwatch(m *Meter) {
	wd.mu.Lock()
	delete(wd.meters, m)
	wd.mu.Unlock()
}

func watchLoop() {
	t := time.NewTicker(WatchEvery)
	defer t.Stop()
	var ms []*Meter
	for range t.C {
		wd.mu.Lock()
		if len(wd.meters) == 0 {
			wd.running = false
			wd.mu.Unlock()
			return
		}
		ms = ms[:0]
		for m := range wd.meters {
			ms = append(ms, m)
		}
		wd.mu.Unlock()
		check(ms)
	}
}

// paused, set by PauseWatchdog, makes the watchdog stop only chunks the
// heap has grown by PausedFactor times their limit.
var paused atomic.Bool

// PausedFactor is how many times its limit the heap must grow by for the
// paused watchdog to stop a chunk.
const PausedFactor = 4

// PauseWatchdog makes the heap watchdog stop only chunks that the heap
// has grown by PausedFactor times their limit, until the function it
// returns is called: for tests that prove that Alloc's accounting stops a
// bomb by itself, near its limit, while a bomb it misses still ends.
func PauseWatchdog() (resume func()) {
	paused.Store(true)
	return func() { paused.Store(false) }
}

// check stops the meters the heap is over, as the watchdog's comment says.
func check(ms []*Meter) {
	if over(ms, heapObjects()) == nil {
		return
	}
	runtime.GC() // what looked like growth may be garbage
	heap := heapObjects()
	o := over(ms, heap)
	most := int64(-1)
	for _, m := range o {
		most = max(most, m.Accounted())
	}
	for _, m := range o {
		if m.Accounted() == most {
			m.Trip(&Error{Limit: Memory, Value: m.lim.Memory, Used: heap - m.baseline})
		}
	}
}

func over(ms []*Meter, heap int64) []*Meter {
	var o []*Meter
	factor := int64(1)
	if paused.Load() {
		factor = PausedFactor
	}
	for _, m := range ms {
		if m.Tripped() == nil && heap-m.baseline > factor*m.lim.Memory {
			o = append(o, m)
		}
	}
	return o
}

var heapSample = sync.Pool{New: func() any {
	return &[1]metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
}}

// heapObjects returns the bytes of the Go heap's objects, live or not yet
// swept: cheap to read, unlike runtime.ReadMemStats, which stops the world.
func heapObjects() int64 {
	s := heapSample.Get().(*[1]metrics.Sample)
	metrics.Read(s[:])
	v := int64(s[0].Value.Uint64())
	heapSample.Put(s)
	return v
}
