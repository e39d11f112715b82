package state

import (
	"errors"
	"sync"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// An Owner is a script object that holds a descriptor: a file, a socket, a
// process's pipe. When a script closes the descriptor by number
// (os.close), the table calls Release so the object can flush what it
// buffered and mark itself closed; the table then closes the descriptor.
// Release reports what the flush could not write, so that it is not lost
// silently.
type Owner interface {
	Release() error
}

// FdTable records the descriptors a runtime's scripts own, so that closing
// the runtime closes what they left open (gopher-lua has no __gc), and so
// that a restricted runtime can refuse descriptor numbers it does not own.
// It is safe for concurrent use. Descriptor numbers are small and dense,
// so the table is a slice indexed by number: recording one costs no
// allocation.
type FdTable struct {
	mu      sync.Mutex
	entries []fdEntry // indexed by descriptor number
	n       int       // entries in use
}

type fdEntry struct {
	used  bool
	owner Owner // nil: a bare number, as os.open returns
	kind  inherit.Kind
}

// NewFdTable returns an empty table.
func NewFdTable() *FdTable {
	return &FdTable{entries: make([]fdEntry, 64)}
}

// entry returns the entry for fd, growing the table; t.mu is held.
func (t *FdTable) entry(fd int) *fdEntry {
	if fd >= len(t.entries) {
		grown := make([]fdEntry, max(fd+1, 2*len(t.entries)))
		copy(grown, t.entries)
		t.entries = grown
	}
	return &t.entries[fd]
}

// lookup returns the entry for fd if it is in use; t.mu is held.
func (t *FdTable) lookup(fd int) *fdEntry {
	if fd < 0 || fd >= len(t.entries) || !t.entries[fd].used {
		return nil
	}
	return &t.entries[fd]
}

// Add records fd as owned by owner (nil for a bare descriptor number).
func (t *FdTable) Add(fd int, owner Owner) {
	if fd < 0 {
		return
	}
	t.mu.Lock()
	e := t.entry(fd)
	if !e.used {
		t.n++
	}
	*e = fdEntry{used: true, owner: owner}
	t.mu.Unlock()
}

// SetOwner gives a descriptor to owner (os.fdopen), recording it if it was
// not recorded yet.
func (t *FdTable) SetOwner(fd int, owner Owner) {
	if fd < 0 {
		return
	}
	t.mu.Lock()
	e := t.entry(fd)
	if !e.used {
		t.n++
		*e = fdEntry{used: true}
	}
	e.owner = owner
	t.mu.Unlock()
}

// Owner returns the owner of fd and whether the table holds fd at all.
func (t *FdTable) Owner(fd int) (Owner, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.lookup(fd); e != nil {
		return e.owner, true
	}
	return nil, false
}

// Has reports whether the table holds fd.
func (t *FdTable) Has(fd int) bool {
	t.mu.Lock()
	ok := t.lookup(fd) != nil
	t.mu.Unlock()
	return ok
}

// Forget removes fd from the table without closing it: its owner has
// closed it, or handed it to someone else.
func (t *FdTable) Forget(fd int) {
	t.mu.Lock()
	if e := t.lookup(fd); e != nil {
		*e = fdEntry{}
		t.n--
	}
	t.mu.Unlock()
}

// Close closes fd by number. If an object owns it, the object is released
// first (it flushes and marks itself closed). The descriptor leaves the
// table before it is closed, so its number can be reused at once.
func (t *FdTable) Close(fd int) error {
	var owner Owner
	t.mu.Lock()
	if e := t.lookup(fd); e != nil {
		owner = e.owner
		*e = fdEntry{}
		t.n--
	}
	t.mu.Unlock()
	var rerr error
	if owner != nil {
		rerr = owner.Release()
	}
	if err := inherit.Close(fd); err != nil {
		return err
	}
	return rerr
}

// Kind returns what fd refers to, remembering it for descriptors in the
// table.
func (t *FdTable) Kind(fd int) inherit.Kind {
	t.mu.Lock()
	if e := t.lookup(fd); e != nil && e.kind != "" {
		k := e.kind
		t.mu.Unlock()
		return k
	}
	t.mu.Unlock()
	k, err := inherit.KindOf(fd)
	if err != nil {
		return inherit.KindOther
	}
	t.mu.Lock()
	if e := t.lookup(fd); e != nil {
		e.kind = k
	}
	t.mu.Unlock()
	return k
}

// Fds returns the descriptors in the table, in increasing order.
func (t *FdTable) Fds() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	fds := make([]int, 0, t.n)
	for fd := range t.entries {
		if t.entries[fd].used {
			fds = append(fds, fd)
		}
	}
	return fds
}

// CloseAll closes every descriptor in the table, releasing owners first,
// and empties it. It returns the errors joined, ignoring EBADF from
// descriptors already closed behind the table's back.
func (t *FdTable) CloseAll() error {
	t.mu.Lock()
	entries := t.entries
	t.entries = make([]fdEntry, 64)
	t.n = 0
	t.mu.Unlock()
	var errs []error
	for fd := range entries {
		e := &entries[fd]
		if !e.used {
			continue
		}
		if e.owner != nil {
			if err := e.owner.Release(); err != nil {
				errs = append(errs, err)
			}
		}
		if err := inherit.Close(fd); err != nil && !errors.Is(err, syscall.EBADF) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Usable returns nil if a script of this runtime may use descriptor fd
// for op: its own descriptors (those in the table), and what its policy
// allows besides (see policy.Policy.UseFd).
func (st *State) Usable(fd int, op string) error {
	return st.Policy.UseFd(fd, st.Fds.Has(fd), op)
}

// Visible reports whether os.fds() shows fd to this runtime's scripts.
func (st *State) Visible(fd int) bool {
	return st.Policy.SeeFd(fd, st.Fds.Has(fd))
}
