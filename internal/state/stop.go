package state

import "github.com/safesh/safesh/internal/luaerr"

// Interrupted returns luaerr.ErrInterrupted if the runtime's context is
// done, and nil otherwise: long work that does not block (a copy in the
// kernel, a walk of a big tree) asks it between steps.
func (st *State) Interrupted() error {
	if in := st.intr.Load(); in != nil && in.ctx.Err() != nil {
		return luaerr.ErrInterrupted
	}
	return nil
}
