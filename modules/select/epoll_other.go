//go:build unix && !linux

package selectmod

import lua "github.com/yuin/gopher-lua"

// openEpoll adds nothing where there is no epoll: select.epoll is nil, as
// in Python on those systems.
func openEpoll(L *lua.LState, m *module, mod *lua.LTable) {}
