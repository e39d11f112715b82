// Package isolate is the wire between a host and the worker process of an
// isolated runtime: frames over a stream socket, each a message type and
// a list of Lua values in a small binary encoding (nil, booleans,
// numbers, strings and tables of those, nested). It knows nothing of
// runtimes; package runtime speaks it on both ends.
package isolate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// MaxDepth is how deeply tables may nest in a value; a table that
// contains itself is refused as too deep.
const MaxDepth = 100

// MaxFrame bounds a frame: a peer announcing more is broken or hostile.
const MaxFrame = 1 << 30

const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagTable
)

// AppendValue appends v's encoding to b. Functions, userdata, threads and
// channels cannot cross a process boundary: they are an error naming
// their type, as are tables nested deeper than MaxDepth.
func AppendValue(b []byte, v lua.LValue) ([]byte, error) {
	return appendValue(b, v, 0)
}

func appendValue(b []byte, v lua.LValue, depth int) ([]byte, error) {
	switch v := v.(type) {
	case *lua.LNilType:
		return append(b, tagNil), nil
	case lua.LBool:
		if v {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case lua.LNumber:
		b = append(b, tagNumber)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(v))), nil
	case lua.LString:
		b = append(b, tagString)
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...), nil
	case *lua.LTable:
		if depth >= MaxDepth {
			return nil, fmt.Errorf("a table nested more than %d deep (or one that contains itself) cannot be passed", MaxDepth)
		}
		var pairs []lua.LValue
		v.ForEach(func(k, val lua.LValue) { pairs = append(pairs, k, val) })
		b = append(b, tagTable)
		b = binary.AppendUvarint(b, uint64(len(pairs)/2))
		var err error
		for _, p := range pairs {
			if b, err = appendValue(b, p, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("a %s cannot be passed to or from an isolated runtime", v.Type())
}

// A Decoder reads values from one frame's payload.
type Decoder struct {
	b []byte
}

// NewDecoder returns a Decoder over p.
func NewDecoder(p []byte) *Decoder { return &Decoder{p} }

// More reports whether values remain.
func (d *Decoder) More() bool { return len(d.b) > 0 }

var errShort = errors.New("isolate: truncated value")

// Value decodes the next value; tables are made in L.
func (d *Decoder) Value(L *lua.LState) (lua.LValue, error) { return d.value(L, 0) }

func (d *Decoder) value(L *lua.LState, depth int) (lua.LValue, error) {
	if len(d.b) == 0 {
		return nil, errShort
	}
	tag := d.b[0]
	d.b = d.b[1:]
	switch tag {
	case tagNil:
		return lua.LNil, nil
	case tagFalse:
		return lua.LFalse, nil
	case tagTrue:
		return lua.LTrue, nil
	case tagNumber:
		if len(d.b) < 8 {
			return nil, errShort
		}
		n := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
		d.b = d.b[8:]
		return lua.LNumber(n), nil
	case tagString:
		s, err := d.bytes()
		return lua.LString(s), err
	case tagTable:
		if depth >= MaxDepth {
			return nil, errors.New("isolate: table nested too deep")
		}
		n, err := d.uvarint()
		if err != nil {
			return nil, err
		}
		if n > uint64(len(d.b))/2 { // each pair takes two bytes at least
			return nil, errShort
		}
		t := L.CreateTable(0, int(n))
		for range n {
			k, err := d.value(L, depth+1)
			if err != nil {
				return nil, err
			}
			v, err := d.value(L, depth+1)
			if err != nil {
				return nil, err
			}
			if k == lua.LNil {
				return nil, errors.New("isolate: a nil table key")
			}
			t.RawSet(k, v)
		}
		return t, nil
	}
	return nil, fmt.Errorf("isolate: unknown value tag %d", tag)
}

func (d *Decoder) uvarint() (uint64, error) {
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		return 0, errShort
	}
	d.b = d.b[k:]
	return n, nil
}

func (d *Decoder) bytes() (string, error) {
	n, err := d.uvarint()
	if err != nil {
		return "", err
	}
	if n > uint64(len(d.b)) {
		return "", errShort
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s, nil
}

// Values decodes every value left.
func (d *Decoder) Values(L *lua.LState) ([]lua.LValue, error) {
	var vs []lua.LValue
	for d.More() {
		v, err := d.Value(L)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// String decodes the next value, which must be a string.
func (d *Decoder) String() (string, error) {
	if len(d.b) == 0 || d.b[0] != tagString {
		return "", errors.New("isolate: a string expected")
	}
	d.b = d.b[1:]
	return d.bytes()
}

// A Frame is one message: its type and its encoded values.
type Frame struct {
	Type    byte
	Payload []byte
}

// Message builds a frame of type typ from values; strings and numbers
// are the common case, so they may be given as Go values.
func Message(typ byte, values ...any) (Frame, error) {
	var b []byte
	var err error
	for _, v := range values {
		var lv lua.LValue
		switch v := v.(type) {
		case string:
			lv = lua.LString(v)
		case int:
			lv = lua.LNumber(v)
		case int64:
			lv = lua.LNumber(v)
		case bool:
			lv = lua.LBool(v)
		case lua.LValue:
			lv = v
		case []lua.LValue:
			for _, x := range v {
				if b, err = AppendValue(b, x); err != nil {
					return Frame{}, err
				}
			}
			continue
		default:
			return Frame{}, fmt.Errorf("isolate: cannot encode %T", v)
		}
		if b, err = AppendValue(b, lv); err != nil {
			return Frame{}, err
		}
	}
	return Frame{typ, b}, nil
}

// WriteFrame writes f to w as one write: a 4-byte length, the type, the
// payload.
func WriteFrame(w io.Writer, f Frame) error {
	buf := make([]byte, 5, 5+len(f.Payload))
	binary.BigEndian.PutUint32(buf, uint32(1+len(f.Payload)))
	buf[4] = f.Type
	_, err := w.Write(append(buf, f.Payload...))
	return err
}

// ReadFrame reads one frame from r.
func ReadFrame(r io.Reader) (Frame, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return Frame{}, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n == 0 || n > MaxFrame {
		return Frame{}, fmt.Errorf("isolate: bad frame length %d", n)
	}
	p := make([]byte, n-1)
	if _, err := io.ReadFull(r, p); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	return Frame{hdr[4], p}, nil
}
