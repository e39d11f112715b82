package state

import (
	"errors"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// WriteAll writes all of p to fd, of the given kind, as inherit.WriteAll
// does. When the runtime can be interrupted and fd may block (a pipe, a
// FIFO, a socket, a terminal), it never waits in the kernel, where a
// cancel could not reach it: it waits for room through Wait, then writes
// what fits without waiting — pwritev2(RWF_NOWAIT) on a pipe, send with
// MSG_DONTWAIT on a socket, and elsewhere at most inherit.PipeBuf bytes,
// which a descriptor that poll reports writable takes at once — and so
// on until all is written. Interrupted, it returns luaerr.ErrInterrupted
// with the count written so far.
func (st *State) WriteAll(fd int, p []byte, kind inherit.Kind) (int, error) {
	if !kind.MayBlock() || !st.Interruptible() {
		return inherit.WriteAll(fd, p)
	}
	noWait := kind != inherit.KindSocket
	done := 0
	for done < len(p) {
		if _, err := st.Wait(fd, true, -1); err != nil {
			return done, err
		}
		var n int
		var err error
		switch {
		case kind == inherit.KindSocket:
			n, err = inherit.SendNoWait(fd, p[done:])
		case noWait:
			n, err = inherit.WriteNoWait(fd, p[done:])
			if errors.Is(err, errors.ErrUnsupported) {
				noWait = false
				continue
			}
		default:
			n, err = inherit.Write(fd, p[done:min(len(p), done+inherit.PipeBuf)])
		}
		done += n
		if err != nil && !errors.Is(err, syscall.EAGAIN) {
			return done, err
		}
	}
	return done, nil
}
