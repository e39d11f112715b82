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
// what fits without waiting (see writeSome), and so on until all is
// written. Interrupted, it returns luaerr.ErrInterrupted with the count
// written so far.
func (st *State) WriteAll(fd int, p []byte, kind inherit.Kind) (int, error) {
	if !kind.MayBlock() || !st.Interruptible() {
		return inherit.WriteAll(fd, p)
	}
	w := writer{fd: fd, kind: kind, noWait: true}
	done := 0
	for done < len(p) {
		if _, err := st.Wait(fd, true, -1); err != nil {
			return done, err
		}
		n, err := w.writeSome(p[done:])
		done += n
		if err != nil && !errors.Is(err, syscall.EAGAIN) {
			return done, err
		}
	}
	return done, nil
}

// WriteNoWait writes what fd, of the given kind, takes of p now, without
// waiting for room at all; a descriptor that cannot block takes all of
// it. It returns the count written.
func WriteNoWait(fd int, p []byte, kind inherit.Kind) (int, error) {
	if !kind.MayBlock() {
		return inherit.WriteAll(fd, p)
	}
	w := writer{fd: fd, kind: kind, noWait: true}
	done := 0
	for done < len(p) {
		if r, err := inherit.Wait(fd, true, 0, -1); err != nil || r != inherit.Ready {
			return done, err
		}
		n, err := w.writeSome(p[done:])
		done += n
		if errors.Is(err, syscall.EAGAIN) {
			return done, nil
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// writer writes to a descriptor that may block, what fits without
// waiting, once poll has reported it writable.
type writer struct {
	fd     int
	kind   inherit.Kind
	noWait bool // pwritev2(RWF_NOWAIT) may work: not yet refused
}

// writeSome writes what fits of p: send with MSG_DONTWAIT on a socket,
// pwritev2(RWF_NOWAIT) on a pipe, and elsewhere (a FIFO, a terminal) at
// most inherit.PipeBuf bytes, which a descriptor that poll reports
// writable takes at once. It may give EAGAIN.
func (w *writer) writeSome(p []byte) (int, error) {
	if w.kind == inherit.KindSocket {
		return inherit.SendNoWait(w.fd, p)
	}
	if w.noWait {
		n, err := inherit.WriteNoWait(w.fd, p)
		if !errors.Is(err, errors.ErrUnsupported) {
			return n, err
		}
		w.noWait = false
	}
	return inherit.Write(w.fd, p[:min(len(p), inherit.PipeBuf)])
}
