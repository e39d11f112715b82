// Package runtime assembles a safesh Lua state and is the API for Go
// programs that embed safesh to run scripts: plugins, hooks,
// configuration.
//
// A Runtime is a gopher-lua state with Lua 5.1's base libraries and
// safesh's modules (see Modules), in which every descriptor a script
// creates is non-inheritable from the moment it exists, errors follow
// Lua's nil, message, errno convention with the real errno, and
// everything a script acquires is recorded so that Close releases it:
//
//	r, err := runtime.New(runtime.WithStdout(&out), runtime.AllowRead(dataDir))
//	if err != nil { ... }
//	defer r.Close()
//	err = r.DoString(ctx, `print(io.open("config.txt"):read("*a"))`, "plugin")
//
// # Options
//
// New takes functional options, each of which checks its arguments; New
// returns the first error. Standard streams (WithStdin, WithStdout,
// WithStderr: an *os.File is used through its descriptor, any other
// reader or writer through a relay), script arguments (WithArgs,
// WithCommandLine), the modules a script may load (WithModules), gopher-lua's
// limits (WithCallStackSize, WithRegistrySize), the host's own functions
// and modules (WithFunc, WithModule), and what happens to children
// (WithGracePeriod, LeaveChildrenOnCancel).
//
// # Safe by default
//
// A Runtime made with no policy option may use only the descriptors its
// scripts create. It has no file access, cannot start processes, has no
// network and sees no environment variable; os.setenv is gone, and the
// debug library is cut down to traceback. Each of these is granted by an
// option:
//
//   - AllowRead, AllowWrite: directories, with every path confined by the
//     kernel (openat2 with RESOLVE_BENEATH and RESOLVE_NO_MAGICLINKS), for
//     io.open, io.lines, os.open, os.remove, os.rename, os.tmpname,
//     io.tmpfile, dofile, loadfile and require alike;
//   - AllowRun: programs by absolute path, for subprocess, os.execute and
//     io.popen (allowing a program is trusting it: a shell runs anything),
//     with LD_PRELOAD and its kind scrubbed from children (AllowChildEnv);
//   - AllowConnect, AllowListen: "host:port" patterns;
//   - AllowEnv: environment variables os.getenv may read;
//   - WithFile: a descriptor of the host's, as os.grants[name], read-only
//     unless asked otherwise.
//
// A refusal is an OS error to the script (nil, message, errno with EACCES
// or EPERM) whose message names the policy: "open: /etc/passwd: permission
// denied (no file access granted)". A descriptor number the script does not
// own gives EBADF, as if it were not open, so a script cannot learn which
// numbers the host uses. Unrestricted lifts every restriction, for a
// script that is the whole process: the command line uses it.
//
// # Running, cancelling, closing
//
// DoString, DoFile, Call and CallGlobal run a chunk or a function. The
// context may cancel it: Lua code stops at its next instruction, and a call
// blocked in the kernel (a read on a pipe, a wait for a child, an accept)
// returns at once; the children the chunk started are killed, with their
// trees, unless LeaveChildrenOnCancel (SetInterruptSignal makes a child's
// death of SIGINT an interrupt too, for an interactive host). os.exit ends the script, never the host: the
// error matches *ExitError. Other errors are *Error, with the Lua
// traceback, and unwrap to their Go cause (context.Canceled). No Go panic
// reaches the host: a panic inside a Lua function becomes a Lua error.
//
// Close flushes the script's output, closes every descriptor its scripts
// still hold, and reaps every child they started, killing those still
// running after the grace period. Runtimes are independent: many may run
// at once in one process, and none ever closes or reads another's
// descriptors.
package runtime
