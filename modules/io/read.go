package io

import (
	"bytes"
	"errors"
	goio "io"
	"math"
	"strconv"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/strmem"
)

// readLine returns the next line without its newline (with it, if keep is
// set), and false at end of file with nothing read.
func (f *file) readLine(keep bool) ([]byte, bool, error) {
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
func (f *file) readAll() ([]byte, error) {
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
			if e := f.st.Meter.Alloc(int64(len(out) + chunk)); e != nil {
				return out, e // the limit ends the chunk
			}
			out = strmem.Grow(out, chunk)
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
func (f *file) remaining() int64 {
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
// The bytes are f's read buffer (valid until the next read), or, when
// own is set, memory of their own that nothing else refers to: the
// caller may make them a string without a copy.
func (f *file) readN(n int) (p []byte, own, ok bool, err error) {
	if n == 0 {
		// Lua 5.1: read(0) tests for end of file.
		if f.r < f.w {
			return []byte{}, false, true, nil
		}
		more, err := f.fill()
		return []byte{}, false, more, err
	}
	if f.w-f.r >= n {
		p := f.rbuf[f.r : f.r+n]
		f.r += n
		return p, false, true, nil
	}
	// Room for what is asked grows with what arrives, as C Lua's buffer
	// does: a count far beyond the data (read(2^40)) must not allocate it.
	// The memory is the string's own (strmem): a read goes straight
	// into it, and it is not zeroed first.
	out := strmem.Make(min(n, readChunk))[:0]
	for len(out) < n {
		if len(out) == cap(out) {
			out = strmem.Grow(out, min(n-len(out), cap(out)))
		}
		room := out[len(out):min(cap(out), n)]
		if f.r == f.w {
			if len(room) >= len(f.rbuf) && len(f.wbuf) == 0 && f.readable {
				// Large read: skip the buffer.
				k, err := f.rawRead(room)
				out = out[:len(out)+k]
				if err != nil {
					return out, true, len(out) > 0, err
				}
				if k == 0 {
					break
				}
				continue
			}
			more, err := f.fill()
			if err != nil {
				return out, true, len(out) > 0, err
			}
			if !more {
				break
			}
		}
		k := copy(room, f.rbuf[f.r:f.w])
		out = out[:len(out)+k]
		f.r += k
	}
	return out, true, len(out) > 0, nil
}

// peek returns the next byte without consuming it, and false at end of
// file.
func (f *file) peek() (byte, bool, error) {
	if f.r == f.w {
		more, err := f.fill()
		if err != nil || !more {
			return 0, false, err
		}
	}
	return f.rbuf[f.r], true, nil
}

// readNumber reads a number as Lua 5.1 does, with C's fscanf("%lf"), and
// as glibc's scanf scans one. It skips white space, then takes the
// characters that can go on to make a number: a sign, then "nan", "inf"
// or "infinity" in any case, or digits with one decimal point and an
// exponent (hexadecimal digits after 0x, and a p exponent). It converts
// the longest prefix of what it took that strtod accepts; what it took is
// consumed even past that prefix ("1e" reads 1, ".e1" reads nothing and
// leaves "e1"), and a character that breaks "nan" or "infinity" is
// consumed with it, as in C. It returns false if no number was read.
func (f *file) readNumber() (float64, bool, error) {
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
	take := func(c byte) {
		buf = append(buf, c)
		f.r++
	}
	c, ok, err := f.peek()
	if err != nil {
		return 0, false, err
	}
	sign := 0
	if ok && (c == '+' || c == '-') {
		take(c)
		sign = 1
		if c, ok, err = f.peek(); err != nil {
			return 0, false, err
		}
	}
	// word takes the letters of w, in any case; a letter that differs
	// is consumed, and the number fails.
	word := func(w string) (bool, error) {
		for i := 0; i < len(w); i++ {
			c, ok, err := f.peek()
			if err != nil || !ok {
				return false, err
			}
			f.r++
			if lower(c) != w[i] {
				return false, nil
			}
			buf = append(buf, c)
		}
		return true, nil
	}
	switch {
	case ok && lower(c) == 'n':
		if ok, err := word("nan"); !ok {
			return 0, false, err
		}
		return strtod(buf)
	case ok && lower(c) == 'i':
		if ok, err := word("inf"); !ok {
			return 0, false, err
		}
		c, ok, err := f.peek()
		if err != nil {
			return 0, false, err
		}
		if ok && lower(c) == 'i' {
			if ok, err := word("inity"); !ok {
				return 0, false, err
			}
		}
		return strtod(buf)
	}
	expChar, hex := byte('e'), false
	gotDigit, gotDot, gotE := false, false, false
	if ok && c == '0' {
		take(c)
		if c, ok, err = f.peek(); err != nil {
			return 0, false, err
		}
		if ok && lower(c) == 'x' {
			take(c)
			expChar, hex = 'p', true
			if c, ok, err = f.peek(); err != nil {
				return 0, false, err
			}
		} else {
			gotDigit = true
		}
	}
	for ok {
		switch {
		case isDigit(c):
			gotDigit = true
		case !gotE && hex && isHexDigit(c):
			gotDigit = true
		case gotE && lower(buf[len(buf)-1]) == expChar && (c == '-' || c == '+'):
		case gotDigit && !gotE && lower(c) == expChar:
			gotE, gotDot = true, true
		case !gotDot && c == '.':
			gotDot = true
		default:
			ok = false
			continue
		}
		take(c)
		if c, ok, err = f.peek(); err != nil {
			return 0, false, err
		}
	}
	if len(buf) == sign || hex && len(buf) == sign+2 {
		return 0, false, nil
	}
	return strtod(buf)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= lower(c) && lower(c) <= 'f' }

// strtod converts the longest prefix of s that C's strtod accepts, as
// scanf does with the characters it took; false if there is none. s is
// what readNumber took: a sign, then a name (nan, inf, infinity) or the
// characters of a decimal or hexadecimal number.
func strtod(s []byte) (float64, bool, error) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i < len(s) && (lower(s[i]) == 'n' || lower(s[i]) == 'i') {
		v := math.Inf(1)
		if lower(s[i]) == 'n' {
			v = math.NaN()
		}
		if s[0] == '-' {
			v = math.Copysign(v, -1)
		}
		return v, true, nil
	}
	digit, exp := isDigit, byte('e')
	if i+1 < len(s) && s[i] == '0' && lower(s[i+1]) == 'x' {
		digit, exp = isHexDigit, 'p'
	}
	j := i
	if exp == 'p' {
		j += 2
	}
	digits := 0
	for ; j < len(s) && digit(s[j]); j++ {
		digits++
	}
	if j < len(s) && s[j] == '.' {
		for j++; j < len(s) && digit(s[j]); j++ {
			digits++
		}
	}
	if digits == 0 {
		if exp == 'p' {
			return strtod(s[:i+1]) // "0x" with no digits is the 0
		}
		return 0, false, nil
	}
	end := j // the mantissa; an exponent counts only with its digits
	if j < len(s) && lower(s[j]) == exp {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			end = k
		}
	}
	num := string(s[:end])
	if exp == 'p' && end == j {
		num += "p0" // Go's hexadecimal floats need their exponent
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false, nil
	}
	return v, true, nil
}
