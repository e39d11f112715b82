package bench

import lua "github.com/yuin/gopher-lua"

func lnum(n int) lua.LValue { return lua.LNumber(n) }
