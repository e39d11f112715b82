package spawn

// signalled tells the runtime of a reaped child that a signal killed:
// one that died of the session's interrupt signal interrupts the chunk
// (state.State.ChildSignalled).
func (c *Child) signalled() {
	if c.status.Signal != 0 {
		c.st.ChildSignalled(c.status.Signal)
	}
}
