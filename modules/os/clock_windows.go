package os

import lua "github.com/yuin/gopher-lua"

// clockFunc returns nil on Windows: os.clock stays gopher-lua's, which
// counts wall time since the runtime started.
func clockFunc() lua.LGFunction { return nil }
