//go:build unix

package inherit

import "golang.org/x/sys/unix"

// ignoringEINTR calls fn until it returns something other than EINTR: a
// signal arrived while the call waited, and nothing was done yet. Every
// interruptible call in this package goes through it or ignoringEINTR2,
// except close, which must never be retried (see Close), and Fstatat,
// which loops by hand to keep its buffer off the heap.
func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

// ignoringEINTR2 is ignoringEINTR for a call with a result.
func ignoringEINTR2[T any](fn func() (T, error)) (T, error) {
	for {
		v, err := fn()
		if err != unix.EINTR {
			return v, err
		}
	}
}

// dupRetrying is ignoringEINTR for dup2 and dup3, which Linux also fails
// with EBUSY while another thread is opening the target number: nothing
// was done, and the call is made again.
func dupRetrying(dup func() error) error {
	for {
		if err := dup(); err != unix.EINTR && err != unix.EBUSY {
			return err
		}
	}
}
