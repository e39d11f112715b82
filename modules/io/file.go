package io

import (
	"bytes"
	"errors"
	goio "io"
	"os"
	"runtime"
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/state"
)

// Buffering modes, as setvbuf names them.
const (
	bufFull = iota
	bufLine
	bufNone
)

const (
	defaultBufSize = 32 << 10
	minBufSize     = 512
	maxBufSize     = 16 << 20 // setvbuf's size is a hint, held to this
)

// errClosed is what any operation on a closed file reports.
var errClosed = errors.New("attempt to use a closed file")

// File is a Lua 5.1 file object: a descriptor with stdio-like buffering.
// A File owns its descriptor (it is in the runtime's FdTable) unless it
// is one of the standard files, which it only borrows.
//
// Reads and writes share the file position as C stdio does: writing after
// reading first moves the position back over what was read ahead, and
// seeking discards the read-ahead; unlike C, a script need not call seek
// between the two.
//
// A File is the handle the script holds; what it holds is its file, which
// the runtime's descriptor table owns. When the script drops a File
// without closing it, a Go cleanup hands its file to the table, which
// flushes it and closes its descriptor in the runtime's own goroutine
// (state.FdTable.ReleaseDropped): a file needs no close to be flushed and
// closed, as with C Lua's __gc.
type File struct {
	*file
}

// file is what a File holds (see File). It must not refer to its File,
// which would then never be collected.
type file struct {
	st       *state.State
	fd       int    // -1 once closed
	name     string // for tostring and errors
	readable bool
	writable bool
	std      bool         // io.stdin, io.stdout, io.stderr: never closed by the script
	kind     inherit.Kind // what fd is
	mayBlock bool         // a pipe, socket or terminal: reads wait through st.Wait
	unbound  bool         // a socket not yet known to be bound: see canWrite

	rbuf []byte // read-ahead is rbuf[r:w]
	r, w int
	wbuf []byte // pending output
	mode int    // bufFull, bufLine or bufNone
	size int    // flush threshold for bufFull

	// Stream-backed standard files (an embedding host's io.Reader or
	// io.Writer) have fd == -1 and use these.
	reader goio.Reader
	writer goio.Writer

	// onClose, if set, runs after the descriptor is closed and returns the
	// extra results of close (io.popen: the child's exit status).
	onClose func() (extra []any, err error)

	cleanup runtime.Cleanup // releases the file when its File is dropped
}

// newFile returns a File for fd; it does not register it in the FdTable.
func newFile(st *state.State, fd int, name string, readable, writable bool) *File {
	f := &File{&file{st: st, fd: fd, name: name, readable: readable, writable: writable, size: defaultBufSize}}
	f.setKind()
	return f
}

// own records f's descriptor in the runtime's table as owned by f, to be
// released when the script drops f without closing it.
func (f *File) own() {
	f.st.Fds.SetOwner(f.fd, f.file)
	f.cleanup = state.Track(f.st.Fds, f, f.fd, f.file)
}

// Name returns the name tostring and errors show: the path, or what the
// file is ("popen", "fd 3").
func (f *file) Name() string { return f.name }

// setKind records what the file's descriptor is.
func (f *file) setKind() {
	if f.fd >= 0 {
		f.kind = f.st.Fds.Kind(f.fd)
		f.mayBlock = f.kind.MayBlock()
		f.unbound = f.kind == inherit.KindSocket
	}
}

// canWrite returns nil unless f is a datagram socket that a write would
// make the kernel bind to a port on every address before failing (see
// inherit.CheckAutobind); then the kernel's error, EDESTADDRREQ, without
// the binding.
func (f *file) canWrite() error {
	if !f.unbound {
		return nil
	}
	if err := inherit.CheckAutobind(f.fd, "write"); err != nil {
		return err
	}
	f.unbound = false
	return nil
}

// Fd returns the descriptor, or -1 if the file is closed or has none.
func (f *file) Fd() int { return f.fd }

// Closed reports whether the file has been closed.
func (f *file) Closed() bool { return f.fd < 0 && f.reader == nil && f.writer == nil }

// Release implements state.Owner: the descriptor is being closed by
// number, so flush what is pending, and forget the descriptor. It returns
// the flush's error: what could not be written.
func (f *file) Release() error {
	f.cleanup.Stop()
	err := f.Flush()
	f.fd = -1
	f.rbuf, f.wbuf = nil, nil
	f.r, f.w = 0, 0
	return err
}

// ReleaseNoWait is Release for a file that its script dropped: it writes
// out what is buffered without waiting for room. If the descriptor has
// no room now, it keeps the rest and reports false, and the table tries
// again later (see state.FdTable.ReleaseDropped): a pipe that no one
// reads must not stall the runtime for a file no one holds.
func (f *file) ReleaseNoWait() (bool, error) {
	if len(f.wbuf) > 0 && f.fd >= 0 && f.writer == nil && f.canWrite() == nil {
		n, err := state.WriteNoWait(f.fd, f.wbuf, f.kind)
		f.wbuf = f.wbuf[:copy(f.wbuf, f.wbuf[n:])]
		if err == nil && len(f.wbuf) > 0 {
			return false, nil
		}
		if err != nil {
			f.Release()
			return true, err
		}
	}
	return true, f.Release()
}

// MayBlock reports whether writing to the file may wait for a reader: a
// pipe, a socket, a terminal.
func (f *file) MayBlock() bool { return f.mayBlock }

func (f *file) rawRead(p []byte) (int, error) {
	if f.reader != nil {
		n, err := f.reader.Read(p)
		if err == goio.EOF {
			err = nil
		}
		return n, err
	}
	if f.mayBlock {
		f.st.FlushStdout()
		if _, err := f.st.Wait(f.fd, false, -1); err != nil {
			return 0, err
		}
	}
	return inherit.Read(f.fd, p)
}

func (f *file) rawWrite(p []byte) error {
	if f.writer != nil {
		_, err := f.writer.Write(p)
		return err
	}
	if err := f.canWrite(); err != nil {
		return err
	}
	_, err := f.st.WriteAll(f.fd, p, f.kind)
	return err
}

// Flush writes out buffered output. Nothing is lost on a short write: the
// unwritten rest stays buffered, and the error is returned.
func (f *file) Flush() error {
	if len(f.wbuf) == 0 {
		return nil
	}
	if f.writer != nil {
		_, err := f.writer.Write(f.wbuf)
		f.wbuf = f.wbuf[:0]
		return err
	}
	if f.fd < 0 {
		return errClosed
	}
	if err := f.canWrite(); err != nil {
		return err
	}
	n, err := f.st.WriteAll(f.fd, f.wbuf, f.kind)
	f.wbuf = f.wbuf[:copy(f.wbuf, f.wbuf[n:])]
	return err
}

// dropReadAhead gives up the read-ahead, moving the file position back
// over it where the file can seek.
func (f *file) dropReadAhead() error {
	if f.r == f.w {
		f.r, f.w = 0, 0
		return nil
	}
	ahead := f.w - f.r
	f.r, f.w = 0, 0
	if f.mayBlock || f.reader != nil {
		return nil // a stream: what was read ahead is only ours
	}
	_, err := inherit.Seek(f.fd, -int64(ahead), goio.SeekCurrent)
	return err
}

// Write buffers or writes p according to the buffering mode.
func (f *file) Write(p []byte) error {
	if !f.writable {
		return os.NewSyscallError("write", syscall.EBADF)
	}
	if f.r != f.w {
		if err := f.dropReadAhead(); err != nil {
			return err
		}
	}
	switch f.mode {
	case bufNone:
		if err := f.Flush(); err != nil {
			return err
		}
		return f.rawWrite(p)
	case bufLine:
		f.wbuf = append(f.wbuf, p...)
		if bytes.IndexByte(p, '\n') >= 0 {
			return f.Flush()
		}
	default:
		if len(f.wbuf) == 0 && len(p) >= f.size {
			return f.rawWrite(p) // too big to buffer: skip the copy
		}
		f.wbuf = append(f.wbuf, p...)
	}
	if len(f.wbuf) >= f.size {
		return f.Flush()
	}
	return nil
}

// fill reads more input into the read buffer. It returns false at end of
// file.
func (f *file) fill() (bool, error) {
	if !f.readable {
		return false, os.NewSyscallError("read", syscall.EBADF)
	}
	if len(f.wbuf) > 0 {
		if err := f.Flush(); err != nil {
			return false, err
		}
	}
	if f.rbuf == nil {
		f.rbuf = make([]byte, f.readSize())
	}
	if f.r > 0 && f.r == f.w {
		f.r, f.w = 0, 0
	}
	if f.w == len(f.rbuf) {
		if f.r > 0 {
			f.w = copy(f.rbuf, f.rbuf[f.r:f.w])
			f.r = 0
		} else {
			grown := make([]byte, 2*len(f.rbuf))
			copy(grown, f.rbuf[:f.w])
			f.rbuf = grown
		}
	}
	n, err := f.rawRead(f.rbuf[f.w:])
	f.w += n
	if err != nil {
		return n > 0, err
	}
	return n > 0, nil
}

func (f *file) readSize() int {
	if f.mode == bufNone || f.size < minBufSize {
		return minBufSize
	}
	return f.size
}

// Seek moves the file position as lseek does, accounting for buffers, and
// returns the new position.
func (f *file) Seek(offset int64, whence int) (int64, error) {
	if f.fd < 0 {
		return 0, os.NewSyscallError("lseek", syscall.ESPIPE)
	}
	if err := f.Flush(); err != nil {
		return 0, err
	}
	if whence == goio.SeekCurrent {
		offset -= int64(f.w - f.r)
	}
	pos, err := inherit.Seek(f.fd, offset, whence)
	if err != nil {
		return 0, err
	}
	f.r, f.w = 0, 0
	return pos, nil
}

// Close flushes and closes the file, then runs onClose. The descriptor is
// closed even if the flush fails; the flush error is reported.
func (f *file) Close() ([]any, error) {
	f.cleanup.Stop()
	ferr := f.Flush()
	if f.fd >= 0 {
		fd := f.fd
		f.fd = -1
		f.st.Fds.Forget(fd)
		if err := inherit.Close(fd); ferr == nil {
			ferr = err
		}
	}
	f.reader, f.writer = nil, nil
	f.rbuf, f.wbuf = nil, nil
	f.r, f.w = 0, 0
	var extra []any
	if f.onClose != nil {
		var err error
		extra, err = f.onClose()
		f.onClose = nil
		if ferr == nil {
			ferr = err
		}
	}
	return extra, ferr
}

// TakeBuffered returns what was read ahead from the file and not yet
// consumed, and forgets it: a caller that goes on reading the descriptor
// directly (subprocess's communicate) must not lose it.
func (f *file) TakeBuffered() []byte {
	if f.r == f.w {
		return nil
	}
	p := append([]byte(nil), f.rbuf[f.r:f.w]...)
	f.r, f.w = 0, 0
	return p
}

// Buffered returns how many bytes were read ahead from the file and not
// yet consumed: select counts such a file as readable.
func (f *file) Buffered() int { return f.w - f.r }
