package subprocess

import (
	"errors"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/lstate"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// readChunk is the least free space communicate reads into.
const readChunk = 256 << 10

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
	return pr.wait(left())
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
		pr.out = append(pr.out, stdout.TakeBuffered()...)
	}
	if stderr != nil {
		pr.errOut = append(pr.errOut, stderr.TakeBuffered()...)
	}

	fds := make([]inherit.PollFd, 3)
	for stdin != nil || stdout != nil || stderr != nil {
		fds[0], fds[1], fds[2] = inherit.PollFd{Fd: fdOf(stdin), Write: true}, inherit.PollFd{Fd: fdOf(stdout)}, inherit.PollFd{Fd: fdOf(stderr)}
		r, err := pr.st.Poll(fds, left())
		if err != nil {
			return false, err
		}
		if r == inherit.TimedOut {
			return false, nil
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
			buf   *[]byte
		}{{fds[1].Ready, &stdout, &pr.out}, {fds[2].Ready, &stderr, &pr.errOut}} {
			if !out.ready {
				continue
			}
			b := slices.Grow(*out.buf, readChunk)
			n, err := inherit.Read((*out.f).Fd(), b[len(b):cap(b)])
			*out.buf = b[:len(b)+n]
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

// drain reads what is already waiting in the output pipes, without
// waiting for more, and closes every pipe: after a timeout the child has
// been killed, but a grandchild may hold the pipes open for ever.
func (pr *Proc) drain() {
	for i, buf := range []*[]byte{nil, &pr.out, &pr.errOut} {
		f, _ := pr.file(i)
		if f == nil {
			continue
		}
		if buf != nil {
			*buf = append(*buf, f.TakeBuffered()...)
			for {
				if r, _ := inherit.Wait(f.Fd(), false, 0, -1); r != inherit.Ready {
					break
				}
				b := slices.Grow(*buf, readChunk)
				n, err := inherit.Read(f.Fd(), b[len(b):cap(b)])
				*buf = b[:len(b)+n]
				if n == 0 || err != nil {
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

// take hands a communicate buffer to Lua as a string without copying it;
// nil (not piped) gives nil.
func take(buf *[]byte, piped bool) lua.LValue {
	if !piped {
		return lua.LNil
	}
	b := *buf
	*buf = nil
	if len(b) == 0 {
		return lua.LString("")
	}
	if cap(b)-len(b) > len(b)/4 {
		return lua.LString(b) // too much slack to keep: copy
	}
	return lua.LString(unsafe.String(unsafe.SliceData(b), len(b)))
}

func (l *lib) procCommunicate(L *lua.LState) int {
	pr := checkProc(L, 1)
	var input []byte
	switch v := L.Get(2).(type) {
	case *lua.LNilType:
	case lua.LString:
		input = []byte(v)
		if pr.files[0] == nil {
			lstate.ArgError(L, 2, "input given, but stdin is not a pipe")
		}
	default:
		lstate.TypeError(L, 2, "string or nil")
	}
	timeout := optSeconds(L, L.Get(3), 3, "timeout")
	ok, err := pr.communicate(input, timeout)
	if err != nil {
		return lstate.PushError(L, err)
	}
	if !ok {
		return pushTimeout(L)
	}
	L.Push(take(&pr.out, pr.files[1] != nil))
	L.Push(take(&pr.errOut, pr.files[2] != nil))
	return 2
}
