package luaargs

import lua "github.com/yuin/gopher-lua"

// A Descriptor is a script object backed by a descriptor: an io file, a
// socket. Modules that accept "an fd number, a file object or a socket
// object" (subprocess's stdin, stdout, stderr) take any Descriptor.
type Descriptor interface {
	// Fd returns the descriptor, or -1 if the object is closed or has
	// none.
	Fd() int
}

// FdOf returns the descriptor of v: v itself if it is a number, or the
// descriptor of a userdata whose value is a Descriptor. ok is false for
// anything else; fd is -1 for a closed object.
func FdOf(v lua.LValue) (fd int, ok bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return int(v), true
	case *lua.LUserData:
		if d, isDesc := v.Value.(Descriptor); isDesc {
			return d.Fd(), true
		}
	}
	return -1, false
}
