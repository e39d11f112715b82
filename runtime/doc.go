// Package runtime assembles a safesh Lua state and is the API for Go
// programs that embed safesh to run scripts.
//
// A Runtime is a gopher-lua state with Lua 5.1's base libraries and
// safesh's modules (see Modules), in which every descriptor a script
// creates is non-inheritable from the moment it exists, errors follow
// Lua's nil, message, errno convention with the real errno, and
// everything a script acquires is recorded, so that Close releases it:
//
//	r, err := runtime.New(runtime.WithStdout(&out), runtime.WithArgs("a", "b"))
//	if err != nil { ... }
//	defer r.Close()
//	err = r.DoString(ctx, `print(...)`, "example")
//
// Options validate their arguments and New returns the first error. By
// default a script may use only the descriptors it created; Unrestricted
// lifts that for a script that is the whole process (the command line).
//
// No Go panic reaches the host: a panic inside a Lua function becomes a
// Lua error, which DoString and DoFile return as *Error.
package runtime
