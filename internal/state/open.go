package state

import (
	"errors"
	"io/fs"
	"syscall"
)

// Open opens path through the runtime's policy, as policy.Policy.Open
// does. When the runtime can be interrupted, an open that would wait in
// the kernel for a peer (a FIFO with no writer yet, opened to read, or
// with no reader, opened to write) waits interruptibly instead, and gives
// luaerr.ErrInterrupted when the runtime is interrupted; see openWaiting.
//
// If the process is out of descriptors (EMFILE, ENFILE), Open collects
// the files the scripts dropped unclosed (Collect) and tries once more.
func (st *State) Open(path string, flags int, perm uint32) (int, error) {
	if err := st.ReserveFds(1); err != nil {
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	fd, err := st.open(path, flags, perm)
	if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
		st.Collect()
		fd, err = st.open(path, flags, perm)
	}
	return fd, err
}

// ReserveFds returns an error that wraps a *limits.Error and EMFILE if
// the scripts cannot own n more descriptors (WithMaxDescriptors, or the
// host's margin): every call that creates descriptors for the scripts
// asks before it creates them. Before it refuses, it collects what the
// scripts dropped unclosed, as Open does on EMFILE.
func (st *State) ReserveFds(n int) error {
	st.Fds.releaseDropped()
	if st.Fds.reserve(n) == nil {
		return nil
	}
	st.Collect()
	return st.Fds.reserve(n)
}

func (st *State) open(path string, flags int, perm uint32) (int, error) {
	if !st.Interruptible() || flags&syscall.O_NONBLOCK != 0 {
		return st.Policy.Open(path, flags, perm)
	}
	return st.openWaiting(path, flags, perm)
}
