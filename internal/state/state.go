// Package state holds what every safesh module shares within one
// runtime: the descriptor table, the children, the policy, the standard
// streams, and the means to interrupt a call that blocks in the kernel.
//
// A State belongs to one runtime (one Lua state and its coroutines). The
// runtime installs it in the Lua registry; a module's loader fetches it
// once with Get and binds it to the functions it registers. Nothing here
// is package-level state: two runtimes in one process share nothing.
package state

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/limits"
	"github.com/safesh/safesh/internal/policy"
	lua "github.com/yuin/gopher-lua"
)

// registryKey is the Lua registry field that holds the State.
const registryKey = "safesh.state"

// State is the per-runtime state shared by safesh's modules.
type State struct {
	// Fds records every descriptor the runtime's scripts own.
	Fds *FdTable

	// Exit ends the script with the given status (os.exit). It is set by
	// the runtime; it must not return normally.
	Exit func(L *lua.LState, code int)

	// OwnsProcess says that the runtime is the whole process, as on the
	// command line (runtime.ExitProcess): os.exit ends it, and os.exec
	// may replace it.
	OwnsProcess bool

	// Stdout and Stderr are the runtime's buffered standard output files,
	// set by the io module. FlushStdout writes them out.
	Stdout, Stderr Flusher

	// Stdio says where a child that keeps "the parent's" standard streams
	// must point its descriptors 0, 1 and 2: at Stdio[i].Fd, or, when that
	// is -1, at a pipe that relays to or from Stdio[i].Stream (an embedding
	// host's io.Reader for 0, io.Writer for 1 and 2). The io module sets
	// it; writers are safe to share with the io files.
	Stdio [3]StdStream

	// Policy says what the scripts may do beyond using their own
	// descriptors: policy.AllowAll on the command line, what the host
	// granted in a plugin.
	Policy policy.Policy

	// GrantedFds are the descriptors the host granted by name (os.grants).
	GrantedFds map[string]int

	// Meter counts what the running chunk uses of the limits that end it
	// (instructions, CPU time, memory): the runtime sets it, and builtins
	// that allocate for the script ask its Alloc first. Never nil.
	Meter *limits.Meter

	maxChildren int // SetMaxChildren

	intr      atomic.Pointer[interrupt] // nil: not interruptible
	tasks     Suspender                 // the task scheduler, while task.run runs
	mu        sync.Mutex                // guards waker and stopWatch
	waker     *inherit.Waker
	stopWatch func() bool
	children  map[*inherit.Process]child
	relays    []<-chan struct{} // TrackRelay: copiers that may still hold a pipe
	chunk     uint64

	sigL       *lua.LState             // the main state, for the signal handlers
	signals    atomic.Pointer[Signals] // SetSignals, or nil
	sigPending atomic.Bool             // a signal arrived whose handler has not run
	inChunk    atomic.Bool             // InChunk
	inHandler  bool                    // a signal handler runs: others wait for its end
	metering   bool                    // SetMetering

	droppedChildren []*inherit.Process // children no script object refers to

	interruptSig     atomic.Int32   // SetInterruptSignal
	chunkCancel      func()         // SetChunkCancel; guarded by mu
	childInterrupted atomic.Bool    // ChildSignalled interrupted the chunk
	adopted          map[int]bool   // AdoptOrphans: orphans of earlier chunks; guarded by mu
	childHook        func() bool    // SetChildInterruptHook; guarded by mu
	childHookSig     syscall.Signal // guarded by mu
	waitingChild     atomic.Int32   // WaitForChild
}

// New returns a State with an empty descriptor table and the policy p.
func New(p policy.Policy) *State {
	return &State{Fds: NewFdTable(), Policy: p, Meter: limits.NewMeter(limits.Limits{})}
}

// Install stores st in L's registry, where Get finds it.
func Install(L *lua.LState, st *State) {
	ud := L.NewUserData()
	ud.Value = st
	L.SetField(L.Get(lua.RegistryIndex), registryKey, ud)
}

// Get returns the State installed in L's registry. It panics if there is
// none: modules are only ever loaded into a runtime that installed one.
func Get(L *lua.LState) *State {
	if ud, ok := L.GetField(L.Get(lua.RegistryIndex), registryKey).(*lua.LUserData); ok {
		if st, ok := ud.Value.(*State); ok {
			return st
		}
	}
	panic("state: no State installed in this Lua state")
}

// StdStream is one of the runtime's standard streams: a descriptor, or an
// io.Reader or io.Writer when Fd is -1.
type StdStream struct {
	Fd     int
	Stream any
}

// A Flusher writes out what it buffered.
type Flusher interface {
	Flush() error
}

// FlushStdout writes out the buffered standard output and error. Modules
// call it before a child process starts, so that what the script printed
// comes before what the child prints, and before a read that may wait, as
// C stdio flushes line-buffered output before reading a terminal. Errors
// are left for the next write or close to report.
//
// It returns what could not be written, which the runtime reports at the
// end of a chunk: output is never lost silently.
func (st *State) FlushStdout() error {
	var err error
	if st.Stdout != nil {
		err = st.Stdout.Flush()
	}
	if st.Stderr != nil {
		if err2 := st.Stderr.Flush(); err == nil {
			err = err2
		}
	}
	return err
}

// FlushAll writes out the buffered standard output and error and every
// file the scripts have open, as C's exit does, and returns what could
// not be written: os.exit calls it.
func (st *State) FlushAll() error {
	return errors.Join(st.FlushStdout(), st.Fds.FlushAll(false))
}

// ReleaseDropped releases what the scripts dropped without closing it:
// files and sockets whose objects were collected are flushed and closed
// (FdTable.ReleaseDropped), and children no object refers to any more
// are reaped if they have exited. It returns what the flushes could not
// write. It must run in the runtime's goroutine.
func (st *State) ReleaseDropped() error {
	err := st.Fds.ReleaseDropped()
	st.reapDropped()
	return err
}

// Collect runs the Go garbage collector, gives the cleanups of what it
// found a moment to run, and releases what the scripts dropped, as
// ReleaseDropped does but keeping what the flushes could not write for
// the next ReleaseDropped to report: collectgarbage calls it, and so
// does a call that ran out of descriptors, before it tries again. A
// collection in a busy process can take a while: interrupted, Collect
// returns at once, and leaves the collection to finish by itself.
func (st *State) Collect() {
	done := make(chan struct{})
	go func() {
		runtime.GC()
		waitForCleanups()
		close(done)
	}()
	if in := st.intr.Load(); in != nil {
		select {
		case <-done:
		case <-in.ctx.Done():
			return
		}
	} else {
		<-done
	}
	st.Fds.releaseDropped()
	st.reapDropped()
}

// waitForCleanups waits, for at most 100 ms, until the cleanups of the
// objects found unreachable so far have most likely run: the cleanup of
// an object dropped now runs after the next collection, after theirs.
func waitForCleanups() {
	done := make(chan struct{})
	runtime.AddCleanup(new([2]*int), func(done chan struct{}) { close(done) }, done)
	runtime.GC()
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// Close releases the State's own resources. The runtime closes the
// descriptor table separately.
func (st *State) Close() error {
	st.closeSignals()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.intr.Store(nil)
	if st.stopWatch != nil {
		st.stopWatch()
		st.stopWatch = nil
	}
	if st.waker != nil {
		err := st.waker.Close()
		st.waker = nil
		return err
	}
	return nil
}
