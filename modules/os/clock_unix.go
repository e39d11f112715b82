//go:build unix

package os

import (
	"os"
	"syscall"

	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// clockFunc returns os.clock.
func clockFunc() lua.LGFunction { return clock }

// clock is Lua's os.clock: the processor time the process has used, user
// and system, in seconds, as C's clock() counts it. (gopher-lua's counts
// wall time.)
func clock(L *lua.LState) int {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return luaerr.PushError(L, os.NewSyscallError("getrusage", err))
	}
	L.Push(lua.LNumber(float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9))
	return 1
}
