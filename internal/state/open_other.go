//go:build !linux

package state

// openWaiting opens path as Policy.Open does: waiting for a FIFO's peer
// interruptibly takes Linux's /proc/self/fd.
func (st *State) openWaiting(path string, flags int, perm uint32) (int, error) {
	return st.Policy.Open(path, flags, perm)
}
