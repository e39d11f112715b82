package lstate

import (
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
)

// AddChild records a child process the runtime's scripts started, so that
// closing the runtime reaps it.
func (st *State) AddChild(p *inherit.Process) {
	st.mu.Lock()
	if st.children == nil {
		st.children = map[*inherit.Process]bool{}
	}
	st.children[p] = true
	st.mu.Unlock()
}

// RemoveChild forgets a child that has been reaped, and releases it.
func (st *State) RemoveChild(p *inherit.Process) {
	st.mu.Lock()
	delete(st.children, p)
	st.mu.Unlock()
	p.Release()
}

// ReapChildren waits for every recorded child: each gets grace to exit by
// itself, then SIGKILL (its whole group when it leads one). No zombie is
// left.
func (st *State) ReapChildren(grace time.Duration) {
	st.mu.Lock()
	children := st.children
	st.children = nil
	st.mu.Unlock()
	deadline := time.Now().Add(grace)
	for p := range children {
		if r, _ := p.Wait(max(time.Until(deadline), 0), -1); r != inherit.Ready {
			p.Signal(syscall.SIGKILL)
			p.Wait(-1, -1)
		}
		p.Release()
	}
}
