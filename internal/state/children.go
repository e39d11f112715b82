package state

import (
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/limits"
)

// child is a child process the runtime's scripts started.
type child struct {
	chunk uint64 // the chunk that started it
	group bool   // it leads its own process group (a new session)
}

// BeginChunk marks the start of a chunk, for KillChildrenSince, and
// returns its number.
func (st *State) BeginChunk() uint64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.chunk++
	return st.chunk
}

// SetMaxChildren sets the most live children the runtime's scripts may
// have at once (0: no limit): ReserveChild refuses more.
func (st *State) SetMaxChildren(n int) {
	st.mu.Lock()
	st.maxChildren = n
	st.mu.Unlock()
}

// ReserveChild returns a *limits.Error wrapping EAGAIN, as fork(2) gives
// past RLIMIT_NPROC, if the scripts already have as many live children as
// SetMaxChildren allows; internal/spawn asks before it starts one. A
// child that has exited but was not waited for still counts, unless no
// script object refers to it (it is reaped here first). Children of
// children are not counted.
func (st *State) ReserveChild() error {
	st.reapDropped()
	st.reapOrphans()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.maxChildren > 0 && len(st.children) >= st.maxChildren {
		return &limits.Error{Limit: limits.Children, Value: int64(st.maxChildren), Used: int64(len(st.children) + 1), Errno: syscall.EAGAIN}
	}
	return nil
}

// AddChild records a child process the runtime's scripts started, so that
// closing the runtime reaps it. group says whether it leads its own
// process group, which is then killed whole.
func (st *State) AddChild(p *inherit.Process, group bool) {
	st.reapDropped()
	st.mu.Lock()
	if st.children == nil {
		st.children = map[*inherit.Process]child{}
	}
	st.children[p] = child{chunk: st.chunk, group: group}
	st.mu.Unlock()
}

// RemoveChild forgets a child that has been reaped, and releases it.
func (st *State) RemoveChild(p *inherit.Process) {
	st.mu.Lock()
	delete(st.children, p)
	st.mu.Unlock()
	p.Release()
}

// DropChild records that no script object refers to p any more; it is
// safe to call from any goroutine (a Go cleanup). ReleaseDropped reaps p
// once it has exited.
func (st *State) DropChild(p *inherit.Process) {
	st.mu.Lock()
	if _, ok := st.children[p]; ok {
		st.droppedChildren = append(st.droppedChildren, p)
	}
	st.mu.Unlock()
}

// reapDropped reaps the dropped children that have exited, without
// waiting, and keeps the others for next time.
func (st *State) reapDropped() {
	st.mu.Lock()
	queue := st.droppedChildren
	st.droppedChildren = nil
	st.mu.Unlock()
	var running []*inherit.Process
	for _, p := range queue {
		st.mu.Lock()
		_, ok := st.children[p]
		st.mu.Unlock()
		if !ok {
			continue // reaped meanwhile (a cancel, a Wait)
		}
		if _, done, err := p.Poll(); err == nil && done {
			st.RemoveChild(p)
		} else {
			running = append(running, p)
		}
	}
	if len(running) > 0 {
		st.mu.Lock()
		st.droppedChildren = append(st.droppedChildren, running...)
		st.mu.Unlock()
	}
}

// KillChildrenSince kills and reaps the children started by the given
// chunk or a later one, each with its tree or its group (kill): a
// cancelled chunk must not leave its children running, nor theirs.
func (st *State) KillChildrenSince(chunk uint64) {
	st.mu.Lock()
	var doomed []*inherit.Process
	for p, c := range st.children {
		if c.chunk >= chunk {
			doomed = append(doomed, p)
			kill(p, c.group)
		}
	}
	st.mu.Unlock()
	for _, p := range doomed {
		p.Wait(-1, -1)
		st.RemoveChild(p)
	}
	st.killAdopted()
}

// kill kills p with what it started: its whole group when it leads one,
// else its tree (killTree).
func kill(p *inherit.Process, group bool) {
	if group {
		p.SignalGroup(syscall.SIGKILL)
		p.Signal(syscall.SIGKILL)
		return
	}
	killTree(p.Pid, func(sig syscall.Signal) { p.Signal(sig) })
}

// killTree kills process pid, which signal signals, and its descendants
// as /proc shows them (a child that shares the runtime's process group
// has no group of its own to kill: a shell's child, a grandchild that
// ignores SIGINT). The tree is frozen first: each process is sent SIGSTOP,
// and the tree is looked up again until every process in it has stopped
// and no new one shows, so that a process forking meanwhile (a stop takes
// effect only once delivered) leaves no child behind, and none reaps a
// descendant whose pid could then be reused before it is signalled. The
// freeze gives up after a while (a process that cannot stop: one in an
// uninterruptible sleep), and the tree is killed as it was found. Where
// there is no /proc, only pid is killed.
func killTree(pid int, signal func(syscall.Signal)) {
	signal(sigStop)
	var tree []int
	seen := map[int]bool{}
	// Past the soft deadline, a lookup that began once the root had
	// stopped ends the freeze: the root can fork no more, and what it
	// forked before is in that lookup. The hard one is for a root that
	// never stops.
	soft, hard := time.Now().Add(200*time.Millisecond), time.Now().Add(2*time.Second)
	for {
		rootHalted := inherit.Halted(pid)
		frozen := rootHalted
		for _, d := range inherit.Descendants(pid) {
			if !seen[d] {
				seen[d] = true
				tree = append(tree, d)
				inherit.SignalPid(d, sigStop)
				frozen = false
			} else if frozen && !inherit.Halted(d) {
				frozen = false
			}
		}
		now := time.Now()
		if frozen || (rootHalted && now.After(soft)) || now.After(hard) {
			break
		}
		time.Sleep(100 * time.Microsecond)
	}
	signal(syscall.SIGKILL)
	for _, d := range tree {
		inherit.SignalPid(d, syscall.SIGKILL)
	}
}

// ReapChildren waits for every recorded child: each gets grace to exit by
// itself, then SIGKILL (its whole group when it leads one). No zombie is
// left.
func (st *State) ReapChildren(grace time.Duration) {
	st.mu.Lock()
	children := st.children
	st.children = nil
	st.droppedChildren = nil
	st.mu.Unlock()
	deadline := time.Now().Add(grace)
	for p, c := range children {
		if r, _ := p.Wait(max(time.Until(deadline), 0), -1); r != inherit.Ready {
			kill(p, c.group)
			p.Wait(-1, -1)
		}
		p.Release()
	}
}

// Child returns the child with process ID pid that the runtime's scripts
// started and that has not been reaped (a reaped child's ID may already
// be another process's), and whether it leads its own process group; nil
// if there is none.
func (st *State) Child(pid int) (*inherit.Process, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for p, c := range st.children {
		if p.Pid == pid {
			return p, c.group
		}
	}
	return nil, false
}

// StopChildren sends sig to every child the scripts started that has not
// been reaped (to its whole process group too, when it leads one), waits
// up to grace for them to exit, and kills (SIGKILL) those left, as a
// supervisor stops its children. Children that exit are reaped; it is
// safe to call from any goroutine, while a chunk runs.
func (st *State) StopChildren(sig syscall.Signal, grace time.Duration) {
	type kid struct {
		p     *inherit.Process
		group bool
	}
	st.mu.Lock()
	kids := make([]kid, 0, len(st.children))
	for p, c := range st.children {
		kids = append(kids, kid{p, c.group})
	}
	st.mu.Unlock()
	for _, k := range kids {
		if k.group {
			k.p.SignalGroup(sig)
		}
		k.p.Signal(sig)
	}
	deadline := time.Now().Add(grace)
	for {
		left := kids[:0]
		for _, k := range kids {
			if _, done, err := k.p.Poll(); !done && err == nil {
				left = append(left, k)
			}
		}
		kids = left
		if len(kids) == 0 || !time.Now().Before(deadline) {
			break
		}
		time.Sleep(min(10*time.Millisecond, time.Until(deadline)))
	}
	for _, k := range kids {
		kill(k.p, k.group)
	}
	for _, k := range kids {
		k.p.Wait(time.Second, -1) // reaped, not left a zombie to whoever adopts it
	}
}

// TrackRelay records a goroutine that copies between a child's standard
// descriptor and a host stream, and still holds its end of the pipe until
// done is closed: WaitRelays waits for it.
func (st *State) TrackRelay(done <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	kept := st.relays[:0]
	for _, d := range st.relays {
		select {
		case <-d:
		default:
			kept = append(kept, d)
		}
	}
	st.relays = append(kept, done)
}

// WaitRelays waits, for at most d in all, until every relay TrackRelay
// recorded has ended. Once the children are reaped their pipes reach end
// of file at once and the relays close their ends; one that a process
// the child left behind (a daemon) still writes to goes on after d.
func (st *State) WaitRelays(d time.Duration) {
	st.mu.Lock()
	relays := st.relays
	st.relays = nil
	st.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	for _, done := range relays {
		select {
		case <-done:
		case <-t.C:
			return
		}
	}
}
