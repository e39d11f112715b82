package state

import "syscall"

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

// ChildSignalled is told, by internal/spawn, of each child reaped that a
// signal killed. If that is the interrupt signal (SetInterruptSignal) and
// a chunk runs, the chunk is cancelled, as the session's own receipt of
// the signal would: its blocking calls return luaerr.ErrInterrupted and
// its Lua code stops at the next instruction.
func (st *State) ChildSignalled(sig syscall.Signal) {
	if sig == 0 || int32(sig) != st.interruptSig.Load() {
		return
	}
	st.mu.Lock()
	cancel := st.chunkCancel
	st.mu.Unlock()
	if cancel != nil {
		st.childInterrupted.Store(true)
		cancel()
	}
}

// ChildInterrupted reports whether ChildSignalled cancelled the running
// chunk.
func (st *State) ChildInterrupted() bool { return st.childInterrupted.Load() }
