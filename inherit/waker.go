//go:build unix

package inherit

import (
	"encoding/binary"
	"os"

	"golang.org/x/sys/unix"
)

// A Waker is a descriptor that another goroutine can make readable, to end
// a Wait early: the way to interrupt a call that would block in the kernel,
// since closing a descriptor does not wake a blocked read(2) on Linux.
// Its descriptors are close-on-exec and non-blocking.
type Waker struct {
	r, w int // the same eventfd on Linux; a pipe's two ends elsewhere
}

// Fd returns the descriptor to wait on for readability.
func (w *Waker) Fd() int { return w.r }

// Close releases the waker's descriptors.
func (w *Waker) Close() error {
	err := Close(w.r)
	if w.w != w.r {
		if err2 := Close(w.w); err == nil {
			err = err2
		}
	}
	return err
}

// Wake makes the waker readable until Reset. It is safe to call from any
// goroutine, any number of times.
func (w *Waker) Wake() error {
	var buf [8]byte // an eventfd takes a counter increment in host order
	binary.NativeEndian.PutUint64(buf[:], 1)
	p := buf[:]
	if w.r != w.w {
		p = buf[:1]
	}
	_, err := ignoringEINTR2(func() (int, error) { return unix.Write(w.w, p) })
	if err != nil && err != unix.EAGAIN { // EAGAIN: already awake, with a full counter or pipe
		return os.NewSyscallError("write", err)
	}
	return nil
}

// Reset makes the waker not readable again.
func (w *Waker) Reset() error {
	var buf [64]byte
	for {
		_, err := ignoringEINTR2(func() (int, error) { return unix.Read(w.r, buf[:]) })
		if err == unix.EAGAIN {
			return nil // drained
		}
		if err != nil {
			return os.NewSyscallError("read", err)
		}
	}
}
