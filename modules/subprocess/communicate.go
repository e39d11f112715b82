package subprocess

import (
	"bytes"
	"errors"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	"github.com/safesh/safesh/internal/strmem"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// bigPipe is the pipe size communicate asks for once a child has written
// more than that: fewer round trips between child and parent for big
// outputs, and no extra kernel memory for the many small ones.
const bigPipe = 1 << 20

// hotSize is the size of communicate's read buffer.
const hotSize = 1 << 20

// Chunk sizes of a collector: they double from the first to the last.
const (
	firstChunk = 64 << 10
	lastChunk  = 16 << 20
)

// collector gathers what a child writes to one pipe, in chunks that are
// joined once at the end: no chunk is ever copied as the output grows, and
// neither the chunks (strmem) nor the final buffer (bytes.Join) are zeroed
// before they are filled.
type collector struct {
	chunks  [][]byte
	cur     []byte
	n       int
	boosted bool
}

// write appends p.
func (c *collector) write(p []byte) {
	for len(p) > 0 {
		c.grow()
		k := copy(c.cur[len(c.cur):cap(c.cur)], p)
		c.cur = c.cur[:len(c.cur)+k]
		c.n += k
		p = p[k:]
	}
}

// grow makes room in the current chunk.
func (c *collector) grow() {
	if len(c.cur) < cap(c.cur) {
		return
	}
	size := firstChunk
	if c.cur != nil {
		c.chunks = append(c.chunks, c.cur)
		size = min(2*cap(c.cur), lastChunk)
	}
	c.cur = strmem.Make(size)[:0]
}

// read reads once from fd into the collector, through hot: the kernel
// copies into a reused, cache-hot buffer faster than into fresh memory. It
// returns 0 at end of file.
func (c *collector) read(fd int, hot []byte) (int, error) {
	n, err := inherit.Read(fd, hot)
	c.write(hot[:n])
	if !c.boosted && c.n >= bigPipe {
		c.boosted = true
		inherit.SetPipeSize(fd, bigPipe) // best effort: a user over the pipe quota keeps the small one
	}
	return n, err
}

// take returns everything gathered, as one string, and empties c.
func (c *collector) take() string {
	var b []byte
	switch {
	case len(c.chunks) == 0:
		b = c.cur
	default:
		b = bytes.Join(append(c.chunks, c.cur), nil)
	}
	*c = collector{}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// communicate writes input to the child's stdin pipe and reads its stdout
// and stderr pipes to end of file, at the same time, so that neither side
// can block the other however much it writes; then it waits for the
// child. It gives up after timeout (negative: never) and returns false;
// what was read is kept for the next call, as Python does. Pipes are
// closed once done with.
func (pr *Proc) communicate(input []byte, timeout time.Duration) (bool, error) {
	left := remaining(timeout)
	if ok, err := pr.pump(input, left); !ok || err != nil {
		return ok, err
	}
	return pr.Wait(left())
}

// remaining returns a function that tells how much of timeout is left
// (-1 for no timeout).
func remaining(timeout time.Duration) func() time.Duration {
	if timeout < 0 {
		return func() time.Duration { return -1 }
	}
	deadline := time.Now().Add(timeout)
	return func() time.Duration { return max(time.Until(deadline), 0) }
}

// pump does communicate's I/O: it returns false if time ran out first.
func (pr *Proc) pump(input []byte, left func() time.Duration) (bool, error) {
	defer pr.st.WaitForChild()() // as a shell waits for its foreground job
	stdin, _ := pr.file(0)
	stdout, _ := pr.file(1)
	stderr, _ := pr.file(2)
	if stdin != nil {
		if err := stdin.Flush(); err != nil && !errors.Is(err, syscall.EPIPE) {
			return false, err
		}
		if pr.inputSent >= len(input) {
			stdin.Close()
			stdin = nil
		} else {
			// The parent's end of the pipe is private to it: non-blocking
			// writes of any size cannot stall, and the child's end is
			// another open file description, which stays blocking.
			in := stdin
			inherit.SetNonblock(in.Fd(), true)
			defer func() {
				if !in.Closed() {
					inherit.SetNonblock(in.Fd(), false)
				}
			}()
		}
	}
	if stdout != nil {
		pr.out.write(stdout.TakeBuffered())
	}
	if stderr != nil {
		pr.errOut.write(stderr.TakeBuffered())
	}

	var hot []byte
	if stdout != nil || stderr != nil {
		hot = make([]byte, hotSize)
	}
	// With wait_delay, the child's exit is watched too (each stage's in
	// turn, for a pipeline): once it has exited, the pipes are read for at
	// most the delay more (a grandchild may hold them open), then closed.
	exitFd, closeBy := -1, time.Time{}
	var watched []*spawn.Child
	if pr.waitDelay >= 0 {
		watched = pr.watched()
		fd, err := nextExit(&watched)
		if err != nil {
			return false, err
		}
		exitFd = fd
		if fd < 0 { // reaped already
			closeBy = time.Now().Add(pr.waitDelay)
		}
	}
	fds := make([]inherit.PollFd, 4)
	for stdin != nil || stdout != nil || stderr != nil {
		fds[0], fds[1], fds[2] = inherit.PollFd{Fd: fdOf(stdin), Write: true}, inherit.PollFd{Fd: fdOf(stdout)}, inherit.PollFd{Fd: fdOf(stderr)}
		fds[3] = inherit.PollFd{Fd: exitFd}
		wait, delayed := left(), false
		if !closeBy.IsZero() {
			if d := max(time.Until(closeBy), 0); wait < 0 || d <= wait {
				wait, delayed = d, true
			}
		}
		r, err := pr.st.Poll(fds, wait)
		if err != nil {
			return false, err
		}
		if r == inherit.TimedOut {
			if delayed {
				pr.drain()
				return true, nil
			}
			return false, nil
		}
		if fds[3].Ready {
			if _, err := watched[0].Poll(); err != nil {
				return false, err
			}
			// Exited, whether or not a reaper goroutine has reaped it yet.
			watched = watched[1:]
			if exitFd, err = nextExit(&watched); err != nil {
				return false, err
			}
			if exitFd < 0 {
				closeBy = time.Now().Add(pr.waitDelay)
			}
		}
		if fds[0].Ready {
			n, err := inherit.Write(stdin.Fd(), input[pr.inputSent:])
			pr.inputSent += n
			if (err != nil && !errors.Is(err, syscall.EAGAIN)) || pr.inputSent >= len(input) {
				// Done, or the child closed its stdin (EPIPE): the rest of
				// the input is not wanted, as Python ignores BrokenPipeError.
				stdin.Close()
				stdin = nil
			}
		}
		for _, out := range []struct {
			ready bool
			f     **iomod.File
			c     *collector
		}{{fds[1].Ready, &stdout, &pr.out}, {fds[2].Ready, &stderr, &pr.errOut}} {
			if !out.ready {
				continue
			}
			n, err := out.c.read((*out.f).Fd(), hot)
			if n == 0 || err != nil {
				(*out.f).Close()
				*out.f = nil
				if err != nil {
					return false, err
				}
			}
		}
	}
	return true, nil
}

// watched returns the children whose exit starts wait_delay's clock: a
// pipeline's stages, or the process's own child.
func (pr *Proc) watched() []*spawn.Child {
	if pr.stages != nil {
		return slices.Clone(pr.stages)
	}
	if pr.Child != nil {
		return []*spawn.Child{pr.Child}
	}
	return nil
}

// nextExit drops the children of *list that have been reaped from its
// front and returns the exit descriptor of the first one left, or -1 once
// none is.
func nextExit(list *[]*spawn.Child) (int, error) {
	for len(*list) > 0 {
		fd, err := (*list)[0].ExitFd()
		if err != nil || fd >= 0 {
			return fd, err
		}
		*list = (*list)[1:]
	}
	return -1, nil
}

// drain reads what is already waiting in the output pipes, without
// waiting for more, and closes every pipe: after a timeout the child has
// been killed, but a grandchild may hold the pipes open for ever.
func (pr *Proc) drain() {
	hot := make([]byte, 64<<10)
	for i, c := range []*collector{nil, &pr.out, &pr.errOut} {
		f, _ := pr.file(i)
		if f == nil {
			continue
		}
		if c != nil {
			c.write(f.TakeBuffered())
			for {
				if r, _ := inherit.Wait(f.Fd(), false, 0, -1); r != inherit.Ready {
					break
				}
				if n, err := c.read(f.Fd(), hot); n == 0 || err != nil {
					break
				}
			}
		}
		f.Close()
	}
}

// file returns the io file of the child's descriptor i, if it is an open
// pipe.
func (pr *Proc) file(i int) (*iomod.File, bool) {
	if pr.files[i] == nil {
		return nil, false
	}
	f, _ := iomod.FileOf(pr.files[i])
	if f == nil || f.Closed() {
		return nil, true
	}
	return f, true
}

func fdOf(f *iomod.File) int {
	if f == nil {
		return -1
	}
	return f.Fd()
}

// take hands what a collector gathered to Lua as a string, without a
// copy, and empties it; nil (not piped) gives nil.
func take(c *collector, piped bool) lua.LValue {
	if !piped {
		return lua.LNil
	}
	return lua.LString(c.take())
}

func (l *lib) procCommunicate(L *lua.LState) int {
	pr := checkProc(L, 1)
	var input []byte
	switch v := L.Get(2).(type) {
	case *lua.LNilType:
	case lua.LString:
		input = []byte(v)
		if pr.files[0] == nil {
			luaargs.ArgError(L, 2, "input given, but stdin is not a pipe")
		}
	default:
		luaargs.TypeError(L, 2, "string or nil")
	}
	timeout := optSeconds(L, L.Get(3), 3, "timeout")
	ok, err := pr.communicate(input, timeout)
	if err != nil {
		return luaerr.PushError(L, err)
	}
	if !ok {
		return pushTimeout(L)
	}
	L.Push(take(&pr.out, pr.files[1] != nil))
	L.Push(take(&pr.errOut, pr.files[2] != nil))
	return 2
}
