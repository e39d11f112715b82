package spawn

import (
	"errors"
	goio "io"
	"sync"
	"time"

	"github.com/safesh/safesh/inherit"
)

// relay connects a child's standard descriptor to a runtime stream that
// is not a descriptor: an embedding host's io.Reader (for 0) or io.Writer
// (for 1 and 2). The child gets one end of a pipe; a goroutine copies
// between the other end and the stream, as os/exec does.
type relay struct {
	childFd int // given to the child, closed in the parent after the spawn
	myFd    int // the parent's end, closed by the goroutine
	reader  goio.Reader
	writer  goio.Writer
	done    chan struct{}

	// An output relay's goroutine holds mu while it reads from the pipe
	// and writes to the host, and while it closes myFd (then closed is
	// set): settle looks at the pipe under it.
	mu     sync.Mutex
	closed bool
}

func newRelay(i int, stream any) (*relay, error) {
	r, w, err := inherit.Pipe()
	if err != nil {
		return nil, err
	}
	rl := &relay{done: make(chan struct{})}
	if i == 0 {
		rd, ok := stream.(goio.Reader)
		if !ok {
			inherit.Close(r)
			inherit.Close(w)
			return nil, errors.New("spawn: the runtime's stdin is neither a descriptor nor a reader")
		}
		rl.childFd, rl.myFd, rl.reader = r, w, rd
	} else {
		wr, ok := stream.(goio.Writer)
		if !ok {
			inherit.Close(r)
			inherit.Close(w)
			return nil, errors.New("spawn: the runtime's stdout or stderr is neither a descriptor nor a writer")
		}
		rl.childFd, rl.myFd, rl.writer = w, r, wr
	}
	return rl, nil
}

// start begins copying; the goroutine ends at end of file (every copy of
// the child's end is closed) or when the child stops reading.
func (rl *relay) start() {
	if rl.writer != nil {
		go rl.copyOut()
		return
	}
	go func() {
		defer close(rl.done)
		defer inherit.Close(rl.myFd)
		buf := make([]byte, 32<<10)
		for {
			n, err := rl.reader.Read(buf)
			if n > 0 {
				if _, werr := inherit.WriteAll(rl.myFd, buf[:n]); werr != nil {
					return // the child is gone or closed its stdin
				}
			}
			if err != nil {
				return
			}
		}
	}()
}

// copyOut copies what the child writes to the host's writer, until the
// end of file or a write error.
func (rl *relay) copyOut() {
	defer close(rl.done)
	buf := make([]byte, 32<<10)
	for {
		// Wait for data without the lock, so that settle can look at the
		// pipe meanwhile: the data stays there until it is read below.
		inherit.Wait(rl.myFd, false, -1, -1)
		rl.mu.Lock()
		n, err := inherit.Read(rl.myFd, buf)
		if n > 0 {
			if _, werr := rl.writer.Write(buf[:n]); werr != nil {
				err = werr
			}
		}
		if err != nil || n == 0 {
			inherit.Close(rl.myFd)
			rl.closed = true
			rl.mu.Unlock()
			return
		}
		rl.mu.Unlock()
	}
}

// abandon closes both ends of a relay that never started.
func (rl *relay) abandon() {
	inherit.Close(rl.childFd)
	inherit.Close(rl.myFd)
	close(rl.done)
}

// settle waits until an output relay has copied what is in its pipe: once
// the child has exited, everything it wrote. A process the child left
// behind that still holds the pipe (a daemon started with "&") may write
// more later; the relay goes on copying it, until the end of file, but
// nobody waits for that.
func (rl *relay) settle() {
	if rl.writer == nil {
		return
	}
	for {
		rl.mu.Lock()
		n := 0
		if !rl.closed {
			n, _ = inherit.Pending(rl.myFd)
		}
		rl.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(50 * time.Microsecond) // the goroutine is about to read it
	}
}
