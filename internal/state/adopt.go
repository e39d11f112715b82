package state

import (
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// Orphans. A child that dies of the terminal's SIGINT leaves its own
// children (a grandchild that ignores SIGINT, started in the background)
// to whoever reaps orphans: the runtime can no longer find them under the
// child to kill them with it. A runtime that owns its process can become
// that reaper (AdoptOrphans): those orphans are then the process's own
// children, that no script started. The ones that appear while a chunk
// runs belong to that chunk, and are killed with its children when it is
// interrupted; the others are left alone, and reaped once they end.

// AdoptOrphans makes the process the reaper of its orphaned descendants
// (inherit.SetChildSubreaper), so that KillChildrenSince also kills the
// orphans that the chunk's children left. It is for a runtime that owns
// its process (the command line's interactive session): the attribute is
// the process's.
func (st *State) AdoptOrphans() error {
	if err := inherit.SetChildSubreaper(); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.adopted == nil {
		st.adopted = map[int]bool{}
	}
	return nil
}

// orphans returns the process's children that are no script's child
// (inherit.OwnChildren less the recorded children), when AdoptOrphans was
// called. Only the runtime's goroutine starts children, and it is the one
// that asks: a child being started is never taken for an orphan.
func (st *State) orphans() []int {
	st.mu.Lock()
	adopting := st.adopted != nil
	st.mu.Unlock()
	if !adopting {
		return nil
	}
	kids := inherit.OwnChildren()
	if len(kids) == 0 {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	ours := map[int]bool{}
	for p := range st.children {
		ours[p.Pid] = true
	}
	var out []int
	for _, pid := range kids {
		if !ours[pid] {
			out = append(out, pid)
		}
	}
	return out
}

// SettleOrphans reaps the adopted orphans that have ended and records the
// others as not the next chunk's: the runtime calls it as each chunk
// ends.
func (st *State) SettleOrphans() {
	live := st.reapOrphans()
	st.mu.Lock()
	if st.adopted != nil {
		st.adopted = live
	}
	st.mu.Unlock()
}

// reapOrphans reaps the adopted orphans that have ended, so that none is
// left a zombie for long (ReserveChild calls it too, for a long chunk
// that starts many children), and returns the others.
func (st *State) reapOrphans() map[int]bool {
	live := map[int]bool{}
	for _, pid := range st.orphans() {
		if !inherit.ReapPid(pid, false) {
			live[pid] = true
		}
	}
	return live
}

// killAdopted kills, with their trees, and reaps the adopted orphans that
// appeared since the last chunk ended (SettleOrphans): those of the chunk
// that is being interrupted.
func (st *State) killAdopted() {
	var doomed []int
	for _, pid := range st.orphans() {
		st.mu.Lock()
		old := st.adopted[pid]
		st.mu.Unlock()
		if !old {
			doomed = append(doomed, pid)
			// Not reaped yet, so the pid is still this orphan's.
			killTree(pid, func(sig syscall.Signal) { inherit.SignalPid(pid, sig) })
		}
	}
	for _, pid := range doomed {
		inherit.ReapPid(pid, true)
	}
}
