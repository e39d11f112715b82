package spawn

import (
	"errors"
	goio "io"

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
	go func() {
		defer close(rl.done)
		defer inherit.Close(rl.myFd)
		buf := make([]byte, 32<<10)
		if rl.writer != nil {
			for {
				n, err := inherit.Read(rl.myFd, buf)
				if n > 0 {
					if _, werr := rl.writer.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil || n == 0 {
					return
				}
			}
		}
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

// abandon closes both ends of a relay that never started.
func (rl *relay) abandon() {
	inherit.Close(rl.childFd)
	inherit.Close(rl.myFd)
	close(rl.done)
}

// wait waits until an output relay has copied everything.
func (rl *relay) wait() {
	if rl.writer != nil {
		<-rl.done
	}
}
