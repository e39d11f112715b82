package io

import (
	"bytes"
	goio "io"
	"slices"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
)

// readLine returns the next line without its newline (with it, if keep is
// set), and false at end of file with nothing read.
func (f *File) readLine(keep bool) ([]byte, bool, error) {
	scanned := 0
	for {
		if i := bytes.IndexByte(f.rbuf[f.r+scanned:f.w], '\n'); i >= 0 {
			end := f.r + scanned + i
			line := f.rbuf[f.r:end]
			if keep {
				line = f.rbuf[f.r : end+1]
			}
			f.r = end + 1
			return line, true, nil
		}
		scanned = f.w - f.r
		more, err := f.fill()
		if err != nil {
			return nil, false, err
		}
		if !more {
			if f.r == f.w {
				return nil, false, nil
			}
			line := f.rbuf[f.r:f.w]
			f.r = f.w
			return line, true, nil
		}
	}
}

// readAll returns the rest of the file ("" at end of file).
func (f *File) readAll() ([]byte, error) {
	var out []byte
	if f.r < f.w {
		out = append(out, f.rbuf[f.r:f.w]...)
		f.r, f.w = 0, 0
	}
	if !f.readable {
		_, err := f.fill() // reports EBADF
		return nil, err
	}
	if len(f.wbuf) > 0 {
		if err := f.Flush(); err != nil {
			return nil, err
		}
	}
	chunk := 64 << 10
	if size := f.remaining(); size > 0 {
		chunk = int(size) + 1 // one more, to see the end at once
	}
	for {
		if cap(out)-len(out) < chunk {
			grown := make([]byte, len(out), len(out)+chunk)
			copy(grown, out)
			out = grown
		}
		n, err := f.rawRead(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err != nil {
			return out, err
		}
		if n == 0 {
			return out, nil
		}
		if chunk < 4<<20 {
			chunk *= 2
		}
	}
}

// remaining returns how many bytes a regular file holds past the current
// position, or 0 when that cannot be known.
func (f *File) remaining() int64 {
	if f.fd < 0 || f.mayBlock {
		return 0
	}
	pos, err := f.Seek(0, goio.SeekCurrent)
	if err != nil {
		return 0
	}
	end, err := inherit.Size(f.fd)
	if err != nil || end <= pos {
		return 0
	}
	return end - pos
}

// readChunk is how much room a read of a count starts with; it doubles
// as data arrives, up to the count.
const readChunk = 64 << 10

// readN returns up to n bytes, fewer only at end of file, and false when
// nothing at all was left. Like C's fread, it waits for all n on a pipe.
func (f *File) readN(n int) ([]byte, bool, error) {
	if n == 0 {
		// Lua 5.1: read(0) tests for end of file.
		if f.r < f.w {
			return []byte{}, true, nil
		}
		more, err := f.fill()
		return []byte{}, more, err
	}
	if f.w-f.r >= n {
		p := f.rbuf[f.r : f.r+n]
		f.r += n
		return p, true, nil
	}
	// Room for what is asked grows with what arrives, as C Lua's buffer
	// does: a count far beyond the data (read(2^40)) must not allocate it.
	out := make([]byte, 0, min(n, readChunk))
	for len(out) < n {
		if len(out) == cap(out) {
			out = slices.Grow(out, min(n-len(out), cap(out)))
		}
		room := out[len(out):min(cap(out), n)]
		if f.r == f.w {
			if len(room) >= len(f.rbuf) && len(f.wbuf) == 0 && f.readable {
				// Large read: skip the buffer.
				k, err := f.rawRead(room)
				out = out[:len(out)+k]
				if err != nil {
					return out, len(out) > 0, err
				}
				if k == 0 {
					break
				}
				continue
			}
			more, err := f.fill()
			if err != nil {
				return out, len(out) > 0, err
			}
			if !more {
				break
			}
		}
		k := copy(room, f.rbuf[f.r:f.w])
		out = out[:len(out)+k]
		f.r += k
	}
	return out, len(out) > 0, nil
}

// peek returns the next byte without consuming it, and false at end of
// file.
func (f *File) peek() (byte, bool, error) {
	if f.r == f.w {
		more, err := f.fill()
		if err != nil || !more {
			return 0, false, err
		}
	}
	return f.rbuf[f.r], true, nil
}

// readNumber reads a number as C's fscanf("%lf") does in Lua 5.1: it skips
// white space, then takes the longest prefix that looks like a number. It
// returns false if none could be read.
func (f *File) readNumber() (float64, bool, error) {
	for {
		c, ok, err := f.peek()
		if err != nil || !ok {
			return 0, false, err
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			break
		}
		f.r++
	}
	var buf []byte
	accept := func(set string) bool {
		c, ok, _ := f.peek()
		if ok && bytes.IndexByte([]byte(set), c) >= 0 && len(buf) < 200 {
			buf = append(buf, c)
			f.r++
			return true
		}
		return false
	}
	accept("+-")
	digits := "0123456789"
	if accept("0") && accept("xX") {
		digits = "0123456789abcdefABCDEF"
	}
	for accept(digits) {
	}
	if accept(".") {
		for accept(digits) {
		}
	}
	if digits == "0123456789" && accept("eE") {
		accept("+-")
		for accept("0123456789") {
		}
	}
	n, ok := luaargs.ParseNumber(string(buf))
	return n, ok, nil
}
