package state

import (
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaerr"
)

// SetInterruptSignal names the signal that interrupts the runtime's
// chunks, an interactive session's SIGINT (Ctrl-C), or 0 for none. A
// child that dies of it, when a chunk reaps it (ChildSignalled), then
// interrupts that chunk, as bash does when a foreground job dies of
// SIGINT ("wait and cooperative exit"): the terminal sent the signal to
// the child and to the session alike, and which of the child's death and
// the session's own delivery comes first must not decide whether the
// chunk goes on.
func (st *State) SetInterruptSignal(sig syscall.Signal) {
	st.interruptSig.Store(int32(sig))
}

// InterruptSignal returns what SetInterruptSignal set.
func (st *State) InterruptSignal() syscall.Signal {
	return syscall.Signal(st.interruptSig.Load())
}

// SetChunkCancel records what cancels the running chunk's context, for
// ChildSignalled; nil once the chunk has ended.
func (st *State) SetChunkCancel(cancel func()) {
	st.mu.Lock()
	st.chunkCancel = cancel
	st.mu.Unlock()
	if cancel == nil {
		st.childInterrupted.Store(false)
	}
}

// ChildSignalled is told, by internal/spawn, of each child p reaped that
// a signal killed, before RemoveChild. If that is the interrupt signal
// (SetInterruptSignal) and the running chunk started p, the chunk is
// cancelled, as the session's own receipt of the signal would: its
// blocking calls return luaerr.ErrInterrupted and its Lua code stops at
// the next instruction. If it is the signal of SetChildInterruptHook's
// hook, the hook runs (a script's host that ends the process). Either
// way it then returns luaerr.ErrInterrupted, for the call that reaped the
// child to raise at once; else nil.
//
// A child of an earlier chunk does not count: it may have died of an
// interrupt long past (a Popen left running when Ctrl-C interrupted
// another chunk), and a chunk that only now reaps it must not stop for
// it. Waiting in a later chunk for such a child, the chunk is interrupted
// by the host's own receipt of the signal only.
func (st *State) ChildSignalled(p *inherit.Process, sig syscall.Signal) error {
	if sig == 0 {
		return nil
	}
	st.mu.Lock()
	cancel, hook := st.chunkCancel, st.childHook
	c, ok := st.children[p]
	current := ok && c.chunk == st.chunk
	st.mu.Unlock()
	if !current {
		return nil
	}
	switch {
	case cancel != nil && int32(sig) == st.interruptSig.Load():
		st.childInterrupted.Store(true)
		cancel()
	case hook != nil && sig == st.childHookSig:
		if !hook() {
			return nil // not the host's interrupt: just the child's status
		}
	default:
		return nil
	}
	return luaerr.ErrInterrupted
}

// SetChildInterruptHook makes a child of the running chunk that dies of
// sig call hook, on the runtime's goroutine, in the call that reaps it:
// for a host that runs a script as a shell does, which ends by SIGINT
// once the foreground child it waited for died of it ("wait and
// cooperative exit"). The hook returns whether it was the host's
// interrupt too (the call then raises "interrupted"), or only the child's
// death (the call returns its status). A nil hook turns it off.
func (st *State) SetChildInterruptHook(sig syscall.Signal, hook func() bool) {
	st.mu.Lock()
	st.childHookSig, st.childHook = sig, hook
	st.mu.Unlock()
}

// WaitForChild records that a call waits for a child to end (a Wait, run's
// reading of the child's pipes) until the returned function is called:
// WaitsForChild then reports true.
func (st *State) WaitForChild() (done func()) {
	st.waitingChild.Add(1)
	return func() { st.waitingChild.Add(-1) }
}

// WaitsForChild reports whether a call of the scripts waits for a child to
// end; it is safe to call from any goroutine.
func (st *State) WaitsForChild() bool { return st.waitingChild.Load() > 0 }

// ChildInterrupted reports whether ChildSignalled cancelled the running
// chunk.
func (st *State) ChildInterrupted() bool { return st.childInterrupted.Load() }
