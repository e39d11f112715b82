package state

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/limits"
	"github.com/safesh/safesh/internal/luaerr"
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
	entries []fdEntry   // indexed by descriptor number
	n       int         // entries in use
	dropped []dropped   // owners whose script objects were collected
	pending atomic.Bool // len(dropped) > 0, for a check without the lock
	dropErr error       // what releasing them could not flush, until ReleaseDropped
	closed  bool        // CloseAll has run: nothing is dropped any more
	flush   []Owner     // FlushAll's scratch list
	max     int         // the most descriptors the scripts may own; 0: no limit
	maxName string      // the limit's name, for the error
}

// dropped is an owner whose script object was collected, and the
// descriptor it owned then.
type dropped struct {
	t     *FdTable
	fd    int
	owner Owner
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

// SetMax sets the most descriptors the scripts may own at once (0: no
// limit), and the limit's name, which Reserve's error gives.
func (t *FdTable) SetMax(n int, name string) {
	t.mu.Lock()
	t.max, t.maxName = n, name
	t.mu.Unlock()
}

// reserve returns a *limits.Error wrapping EMFILE if the scripts cannot
// own n more descriptors.
func (t *FdTable) reserve(n int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.max > 0 && t.n+n > t.max {
		return &limits.Error{Limit: t.maxName, Value: int64(t.max), Used: int64(t.n + n), Errno: syscall.EMFILE}
	}
	return nil
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
// It first releases what the scripts dropped (see ReleaseDropped): a
// script that opens files without closing them reuses their descriptors
// once they are collected.
func (t *FdTable) Add(fd int, owner Owner) {
	if fd < 0 {
		return
	}
	t.releaseDropped()
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
	t.releaseDropped()
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
	t.dropped = nil
	t.pending.Store(false)
	t.closed = true
	t.mu.Unlock()
	// Owners whose output may wait for a reader go last: the runtime's
	// own end of the same pipe or socket is closed by then, so their
	// flush fails at once (EPIPE) instead of waiting for a reader that
	// is this runtime. pipe2 and socketpair do not always give the read
	// end the lower number when other threads close descriptors.
	var errs []error
	for _, last := range []bool{false, true} {
		for fd := range entries {
			e := &entries[fd]
			if !e.used {
				continue
			}
			if b, ok := e.owner.(buffering); (ok && b.MayBlock()) != last {
				continue
			}
			if e.owner != nil {
				if err := e.owner.Release(); err != nil {
					errs = append(errs, named(e.owner, err))
				}
			}
			if err := inherit.Close(fd); err != nil && !errors.Is(err, syscall.EBADF) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Track arranges for owner, which holds descriptor fd for the script
// object handle, to be released through t once handle is unreachable:
// the script dropped it without closing it. owner must not refer to
// handle. The returned cleanup is for the owner to stop once it closes.
func Track[T any](t *FdTable, handle *T, fd int, owner Owner) runtime.Cleanup {
	return runtime.AddCleanup(handle, dropped.queue, dropped{t, fd, owner})
}

// queue hands d to its table; it runs on a Go cleanup goroutine, and so
// only records d, under the table's lock, for ReleaseDropped.
func (d dropped) queue() {
	t := d.t
	t.mu.Lock()
	if !t.closed {
		t.dropped = append(t.dropped, d)
		t.pending.Store(true)
	}
	t.mu.Unlock()
}

// ReleaseDropped releases the descriptors whose script objects were
// collected unclosed: each owner that still owns its descriptor (it was
// not closed by number since, nor its number reused) is released, which
// flushes what it buffered, and the descriptor is closed. It returns
// what those flushes could not write, since the last call. It must run
// in the runtime's goroutine, as every other use of the owners does.
func (t *FdTable) ReleaseDropped() error {
	t.releaseDropped()
	t.mu.Lock()
	err := t.dropErr
	t.dropErr = nil
	t.mu.Unlock()
	return err
}

func (t *FdTable) releaseDropped() {
	// Every call that adds a descriptor comes here first: the common
	// case, nothing dropped, takes no lock. One queued meanwhile waits
	// for the next call.
	if !t.pending.Load() {
		return
	}
	t.mu.Lock()
	queue := t.dropped
	t.dropped = nil
	t.pending.Store(false)
	t.mu.Unlock()
	var errs []error
	var later []dropped
	for _, d := range queue {
		if !t.owns(d.fd, d.owner) {
			continue
		}
		var err error
		released := true
		if nw, ok := d.owner.(interface{ ReleaseNoWait() (bool, error) }); ok {
			released, err = nw.ReleaseNoWait()
		} else {
			err = d.owner.Release()
		}
		if !released {
			later = append(later, d) // no room yet for what it buffered
			continue
		}
		t.mu.Lock()
		if e := t.lookup(d.fd); e != nil && e.owner == d.owner {
			*e = fdEntry{}
			t.n--
		}
		t.mu.Unlock()
		inherit.Close(d.fd)
		if err != nil {
			errs = append(errs, named(d.owner, err))
		}
	}
	t.mu.Lock()
	t.dropped = append(t.dropped, later...)
	t.pending.Store(len(t.dropped) > 0)
	if len(errs) > 0 {
		t.dropErr = errors.Join(append([]error{t.dropErr}, errs...)...)
	}
	t.mu.Unlock()
}

// owns reports whether owner still owns fd: it was not closed by number
// since, nor its number given to another descriptor.
func (t *FdTable) owns(fd int, owner Owner) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.lookup(fd)
	return e != nil && e.owner == owner
}

// A buffering owner buffers output: FlushAll writes it out.
type buffering interface {
	Flusher
	// MayBlock reports whether its writes may wait for a reader.
	MayBlock() bool
}

// FlushAll writes out what every owner that buffers output holds, as C's
// exit flushes every open stream, and returns what could not be written,
// each error naming its file. With regularOnly, it flushes only the
// owners whose writes never wait for a reader (regular files): the end
// of a chunk flushes those, and os.exit every one.
func (t *FdTable) FlushAll(regularOnly bool) error {
	t.mu.Lock()
	list := t.flush[:0]
	for i := range t.entries {
		if e := &t.entries[i]; e.used && e.owner != nil {
			if b, ok := e.owner.(buffering); ok && !(regularOnly && b.MayBlock()) {
				list = append(list, e.owner)
			}
		}
	}
	t.flush = list
	t.mu.Unlock()
	var errs []error
	for i, o := range list {
		if err := o.(buffering).Flush(); err != nil {
			errs = append(errs, named(o, err))
		}
		list[i] = nil
	}
	return errors.Join(errs...)
}

// named puts the name of owner, if it has one, in front of err.
func named(owner Owner, err error) error {
	if n, ok := owner.(interface{ Name() string }); ok {
		return &namedError{n.Name(), err}
	}
	return err
}

// namedError is an error of the file named name; its message is the
// name, then err's as scripts see it.
type namedError struct {
	name string
	err  error
}

func (e *namedError) Error() string { return e.name + ": " + luaerr.Message(e.err) }
func (e *namedError) Unwrap() error { return e.err }

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
