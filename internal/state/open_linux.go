package state

import (
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// openWaiting opens path with O_NONBLOCK added, so that the open itself
// never waits, then gives the descriptor the flags asked for; a FIFO is
// handled as a blocking open would handle it, with its waits made
// interruptible:
//
//   - Opened to read, it succeeds at once, but a blocking open returns
//     only once a writer has come. The descriptor is kept (what a writer
//     sends is in its pipe from the start), and a blocking open of the
//     same FIFO through it, in a goroutine, tells when a writer has come;
//     so does data or a hang-up on the descriptor, for a writer that came
//     and left before that open started.
//   - Opened to write with no reader it fails with ENXIO. It is opened
//     again without O_NONBLOCK, through an O_PATH descriptor of the same
//     FIFO, in a goroutine, which returns once a reader comes.
//
// Interrupted, the open in progress is ended by opening the FIFO both
// ways (O_RDWR), which counts as its peer, and what it opened is closed.
// A device that waits in open (a serial line for its carrier) is opened
// without waiting.
func (st *State) openWaiting(path string, flags int, perm uint32) (int, error) {
	acc := flags & unix.O_ACCMODE
	fd, err := st.Policy.Open(path, flags|unix.O_NONBLOCK, perm)
	if err != nil {
		if acc != unix.O_WRONLY || !errors.Is(err, unix.ENXIO) {
			return -1, err
		}
		// A FIFO with no reader, or a device with nothing behind it.
		pfd, perr := st.Policy.Open(path, unix.O_PATH, 0)
		if perr != nil {
			return -1, err
		}
		defer inherit.Close(pfd)
		if !isFIFO(pfd) {
			return -1, err
		}
		return st.waitPeer(pfd, -1, flags)
	}
	if acc == unix.O_RDONLY && isFIFO(fd) {
		peer, err := st.waitPeer(fd, fd, flags)
		if err != nil {
			inherit.Close(fd)
			return -1, err
		}
		if peer >= 0 {
			inherit.Close(peer) // it only told when a writer came
		}
	}
	// The status flags as asked: F_SETFL sets O_APPEND and O_NONBLOCK
	// (and O_ASYNC, O_DIRECT, O_NOATIME) from its argument.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags); err != nil {
		inherit.Close(fd)
		return -1, os.NewSyscallError("fcntl", err)
	}
	return fd, nil
}

func isFIFO(fd int) bool {
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFIFO
}

// waitPeer opens the FIFO that fd refers to again, with flags and
// without O_NONBLOCK, in a goroutine, and waits, interruptibly, until
// that open returns; or, if readable is a descriptor of the FIFO open
// for reading, until it has data or a hang-up. It returns the new
// descriptor, or -1 if readable ended the wait.
func (st *State) waitPeer(fd, readable, flags int) (int, error) {
	done, err := inherit.NewWaker()
	if err != nil {
		return -1, err
	}
	type result struct {
		fd  int
		err error
	}
	opened := make(chan result, 1)
	proc := "/proc/self/fd/" + strconv.Itoa(fd)
	go func() {
		nfd, err := inherit.Open(proc, flags&^(unix.O_NONBLOCK|unix.O_CREAT|unix.O_EXCL|unix.O_TRUNC), 0)
		done.Wake() // before the send: whoever receives may close done
		opened <- result{nfd, err}
	}()
	fds := []inherit.PollFd{{Fd: done.Fd()}, {Fd: readable}}
	_, werr := st.Poll(fds, -1)
	if werr == nil && fds[0].Ready {
		r := <-opened
		done.Close()
		return r.fd, r.err
	}
	// Interrupted, or a writer came and went: end the open in progress.
	// Opening the FIFO both ways counts as the peer it waits for.
	peer, perr := inherit.Open(proc, unix.O_RDWR|unix.O_NONBLOCK, 0)
	select {
	case r := <-opened:
		done.Close()
		if r.err == nil {
			inherit.Close(r.fd)
		}
	case <-time.After(time.Second):
		// The FIFO would not open both ways (its mode): leave the
		// open to end by itself, and clean up after it then.
		go func() {
			if r := <-opened; r.err == nil {
				inherit.Close(r.fd)
			}
			done.Close()
		}()
	}
	if perr == nil {
		inherit.Close(peer)
	}
	if werr != nil {
		return -1, werr
	}
	return -1, nil
}
