// Package limits holds, in one place, what bounds one runtime's scripts:
// the limit values the runtime's options set (Limits), the error a limit
// gives (Error), and the counters that enforce the limits that end a
// script: instructions, CPU time and memory (Meter, and the process's
// heap watchdog in watchdog.go).
//
// The descriptor, children and output limits are counted where those
// things are: the descriptor table and the children in internal/state,
// the host writers in the runtime. They refuse one call, with an errno;
// the script goes on. The others end the chunk: the Meter trips, and the
// runtime cancels the chunk's context, so that no pcall can swallow it.
package limits

import (
	"fmt"
	"syscall"
	"time"
)

// Limits are a runtime's limits; a zero field is no limit.
type Limits struct {
	Descriptors  int           // descriptors the scripts own at once
	Children     int           // live children of the runtime
	Output       int64         // bytes written through each host writer
	Instructions int64         // VM instructions a chunk runs
	CPUTime      time.Duration // CPU time a chunk uses running Lua code and builtins
	Memory       int64         // bytes of heap a chunk may make the process grow by
}

// Names of the limits, as Error.Limit gives them: the option's name
// without "With".
const (
	Descriptors  = "MaxDescriptors"
	Children     = "MaxChildren"
	Output       = "MaxOutput"
	Instructions = "InstructionLimit"
	CPUTime      = "CPUTime"
	Memory       = "MaxMemory"
	// HostMargin is the default descriptor limit: the share of
	// RLIMIT_NOFILE a runtime never takes (see DescriptorMargin).
	HostMargin = "the host's descriptor margin"
)

// Error says that a limit was reached: which, its value, and what was
// used (or asked for) when it was. Unwrap gives the errno the script
// saw, if the limit refuses a call (EMFILE, EAGAIN, EFBIG), or nil.
type Error struct {
	Limit string // one of the names above
	Value int64  // the limit (nanoseconds for CPUTime)
	Used  int64  // what was used, or would have been, when it was reached
	Errno syscall.Errno
}

func (e *Error) Error() string {
	switch e.Limit {
	case Memory:
		return fmt.Sprintf("not enough memory: limit %s reached (%d bytes; %d used or asked for)", e.Limit, e.Value, e.Used)
	case CPUTime:
		return fmt.Sprintf("limit %s reached (%s; %s used)", e.Limit, time.Duration(e.Value), time.Duration(e.Used))
	}
	msg := fmt.Sprintf("limit %s reached (%d; %d used)", e.Limit, e.Value, e.Used)
	if e.Errno != 0 {
		msg += ": " + e.Errno.Error()
	}
	return msg
}

// Unwrap returns the errno, so that luaerr gives the script its number.
func (e *Error) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return e.Errno
}

// DescriptorMargin is the share of RLIMIT_NOFILE, in percent, that a
// runtime leaves for its host whatever its own limit: a runtime that owns
// nofile*(100-DescriptorMargin)/100 descriptors gets EMFILE.
const DescriptorMargin = 10

// DefaultDescriptors returns the descriptor limit a runtime has without
// WithMaxDescriptors, for a process whose RLIMIT_NOFILE is nofile (0:
// unknown, no limit).
func DefaultDescriptors(nofile uint64) int {
	if nofile == 0 || nofile > 1<<31 {
		return 0
	}
	return int(nofile * (100 - DescriptorMargin) / 100)
}
