package lstate

import (
	"errors"
	"os"
	"slices"
	"sync"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// An Owner is a script object that holds a descriptor: a file, a socket, a
// process's pipe. When a script closes the descriptor by number
// (os.close), the table calls Release so the object can flush what it
// buffered and mark itself closed; the table then closes the descriptor.
type Owner interface {
	Release()
}

// FdTable records the descriptors a runtime's scripts own, so that closing
// the runtime closes what they left open (gopher-lua has no __gc), and so
// that a restricted runtime can refuse descriptor numbers it does not own.
// It is safe for concurrent use.
type FdTable struct {
	mu  sync.Mutex
	fds map[int]*fdEntry
}

type fdEntry struct {
	owner Owner // nil: a bare number, as os.open returns
	kind  inherit.Kind
}

// NewFdTable returns an empty table.
func NewFdTable() *FdTable {
	return &FdTable{fds: map[int]*fdEntry{}}
}

// Add records fd as owned by owner (nil for a bare descriptor number).
func (t *FdTable) Add(fd int, owner Owner) {
	t.mu.Lock()
	t.fds[fd] = &fdEntry{owner: owner}
	t.mu.Unlock()
}

// SetOwner gives an already recorded descriptor to owner (os.fdopen).
func (t *FdTable) SetOwner(fd int, owner Owner) {
	t.mu.Lock()
	if e, ok := t.fds[fd]; ok {
		e.owner = owner
	} else {
		t.fds[fd] = &fdEntry{owner: owner}
	}
	t.mu.Unlock()
}

// Owner returns the owner of fd and whether the table holds fd at all.
func (t *FdTable) Owner(fd int) (Owner, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.fds[fd]
	if !ok {
		return nil, false
	}
	return e.owner, true
}

// Has reports whether the table holds fd.
func (t *FdTable) Has(fd int) bool {
	t.mu.Lock()
	_, ok := t.fds[fd]
	t.mu.Unlock()
	return ok
}

// Forget removes fd from the table without closing it: its owner has
// closed it, or handed it to someone else.
func (t *FdTable) Forget(fd int) {
	t.mu.Lock()
	delete(t.fds, fd)
	t.mu.Unlock()
}

// Close closes fd by number. If an object owns it, the object is released
// first (it flushes and marks itself closed). The descriptor leaves the
// table before it is closed, so its number can be reused at once.
func (t *FdTable) Close(fd int) error {
	t.mu.Lock()
	e, ok := t.fds[fd]
	delete(t.fds, fd)
	t.mu.Unlock()
	if ok && e.owner != nil {
		e.owner.Release()
	}
	return inherit.Close(fd)
}

// Kind returns what fd refers to, remembering it for descriptors in the
// table.
func (t *FdTable) Kind(fd int) inherit.Kind {
	t.mu.Lock()
	e, ok := t.fds[fd]
	if ok && e.kind != "" {
		k := e.kind
		t.mu.Unlock()
		return k
	}
	t.mu.Unlock()
	k, err := inherit.KindOf(fd)
	if err != nil {
		return inherit.KindOther
	}
	if ok {
		t.mu.Lock()
		e.kind = k
		t.mu.Unlock()
	}
	return k
}

// Fds returns the descriptors in the table, in increasing order.
func (t *FdTable) Fds() []int {
	t.mu.Lock()
	fds := make([]int, 0, len(t.fds))
	for fd := range t.fds {
		fds = append(fds, fd)
	}
	t.mu.Unlock()
	slices.Sort(fds)
	return fds
}

// CloseAll closes every descriptor in the table, releasing owners first,
// and empties it. It returns the errors joined, ignoring EBADF from
// descriptors already closed behind the table's back.
func (t *FdTable) CloseAll() error {
	t.mu.Lock()
	fds := t.fds
	t.fds = map[int]*fdEntry{}
	t.mu.Unlock()
	var errs []error
	for fd, e := range fds {
		if e.owner != nil {
			e.owner.Release()
		}
		if err := inherit.Close(fd); err != nil && !errors.Is(err, syscall.EBADF) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Usable returns nil if a script of this runtime may use descriptor fd:
// any descriptor in an unrestricted runtime, else only those in the
// table. Otherwise it returns EBADF for op, as if fd were not open: a
// restricted script cannot even learn which numbers the host uses.
func (st *State) Usable(fd int, op string) error {
	if st.Unrestricted || st.Fds.Has(fd) {
		return nil
	}
	return os.NewSyscallError(op, syscall.EBADF)
}

// Visible reports whether os.fds() shows fd to this runtime's scripts.
func (st *State) Visible(fd int) bool {
	return st.Unrestricted || st.Fds.Has(fd)
}
