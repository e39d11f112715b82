// Package time is safesh's time module, Python's time for the clocks a
// shell script uses:
//
//	time.time()          seconds since the epoch, a float (CLOCK_REALTIME)
//	time.monotonic()     seconds of CLOCK_MONOTONIC, to the nanosecond
//	time.perf_counter()  the same clock, as in Python on Linux
//	time.monotonic_ns()  CLOCK_MONOTONIC in nanoseconds, an integer-valued number
//	time.sleep(seconds)  waits, fractions included; interruptible
//
// Lua's os.clock stays C's processor time, and os.time whole seconds.
package time

import (
	"math"
	gotime "time"

	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// Loader returns the time module.
func Loader(L *lua.LState) int {
	st := state.Get(L)
	mod := L.NewTable()
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"time":         now,
		"monotonic":    monotonic,
		"perf_counter": monotonic,
		"monotonic_ns": monotonicNs,
		"sleep":        func(L *lua.LState) int { return sleep(L, st) },
	})
	L.Push(mod)
	return 1
}

func now(L *lua.LState) int {
	L.Push(lua.LNumber(float64(gotime.Now().UnixNano()) / 1e9))
	return 1
}

func monotonic(L *lua.LState) int {
	L.Push(lua.LNumber(float64(monotonicNanos()) / 1e9))
	return 1
}

// monotonicNs is exact while the clock is below 2^53 ns (104 days since
// boot); beyond, Lua's numbers hold it to a few nanoseconds, still as an
// integer.
func monotonicNs(L *lua.LState) int {
	L.Push(lua.LNumber(float64(monotonicNanos())))
	return 1
}

// maxSleep is the longest sleep a time.Duration holds.
const maxSleep = float64(math.MaxInt64) / 1e9

// sleep is time.sleep(seconds): it writes out the script's buffered
// output (a script that prints, then waits, is seen to print), and waits;
// a host's cancel or Ctrl-C in the REPL ends the wait, and the chunk, at
// once.
func sleep(L *lua.LState, st *state.State) int {
	s := luaargs.CheckNumber(L, 1)
	switch {
	case math.IsNaN(s):
		luaargs.ArgError(L, 1, "sleep length is not a number")
	case s < 0:
		luaargs.ArgError(L, 1, "sleep length must be non-negative")
	case s > maxSleep:
		luaargs.ArgError(L, 1, "sleep length is too large")
	}
	st.FlushStdout()
	if err := st.Sleep(gotime.Duration(s * 1e9)); err != nil {
		return luaerr.PushError(L, err)
	}
	return 0
}
