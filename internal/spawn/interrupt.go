package spawn

// signalled tells the runtime of a reaped child that a signal killed: one
// that died of the session's interrupt signal interrupts the chunk
// (state.State.ChildSignalled), and the Wait or Poll that reaped it
// returns luaerr.ErrInterrupted, which the call raises.
func (c *Child) signalled() {
	if c.status.Signal != 0 {
		c.interrupt = c.st.ChildSignalled(c.p, c.status.Signal)
	}
}
