package runtime

import (
	"errors"
	"time"
)

// Isolation says how WithIsolation runs a runtime's scripts: in a worker
// process, under the kernel's limits. A zero limit is no limit.
type Isolation struct {
	// Worker is the program to run as the worker: "" is the host's own
	// executable, whose main must call ServeIsolated first; the safesh
	// command is a worker too.
	Worker string

	// MaxMemory bounds what the worker may allocate, in bytes beyond the
	// address space the Go runtime reserves at start-up (RLIMIT_AS), and
	// sets the worker's Go memory limit to it. Past it the worker dies
	// and the call returns an error that unwraps to ErrWorker and to a
	// MaxMemory *LimitError.
	MaxMemory int64

	// CPUTime bounds the worker's processor time, rounded up to seconds
	// (RLIMIT_CPU, with the hard limit one second above): SIGXCPU ends it,
	// and the call returns an error that unwraps to ErrWorker and to a
	// CPUTime *LimitError.
	CPUTime time.Duration

	// MaxDescriptors bounds the worker's descriptors (RLIMIT_NOFILE).
	MaxDescriptors int

	// MaxProcesses bounds the processes of the worker's user
	// (RLIMIT_NPROC), which the kernel does not apply to root.
	MaxProcesses int

	// Cgroup runs the worker, and every process it starts, in a control
	// group of its own, made under the host's own groups (Linux only;
	// cgroup v2, v1 or a hybrid of both). MaxMemory and MaxProcesses then
	// bound the whole tree as well, root included: memory.max (or v1's
	// memory.limit_in_bytes) is MaxMemory, and pids.max is MaxProcesses,
	// where the worker's own threads count as processes. A worker the
	// kernel kills for the group's memory returns an error that unwraps
	// to a MaxMemory *LimitError. When the worker ends, however it ends,
	// whatever is left in the group is killed and the group removed, so
	// a plugin's daemons do not outlive it. New fails, saying why, where
	// the host may not make the group.
	Cgroup bool
}

// WithIsolation runs the scripts in a worker process: a Go fatal error,
// an out-of-memory or a crash there ends the worker only, and the call
// returns an error while the host goes on. The policy options apply
// inside the worker as they would in-process; WithFunc's functions run in
// the host, their arguments and results carried over a socket (nil,
// booleans, numbers, strings and tables of those); WithStdin, WithStdout
// and WithStderr are carried over too. Cancelling a call's context
// cancels the chunk in the worker, and kills the worker if the chunk has
// not ended 25 ms later; Close ends the worker. WithModule, ExitProcess
// and Call (of a function value) are not available; LState returns the
// host-side state WithFunc's functions run on.
func WithIsolation(iso Isolation) Option {
	return func(c *config) error {
		if iso.MaxMemory < 0 || iso.CPUTime < 0 || iso.MaxDescriptors < 0 || iso.MaxProcesses < 0 {
			return errors.New("runtime: WithIsolation: negative limit")
		}
		c.isolation = &iso
		return nil
	}
}

// ErrWorker is what a call on an isolated runtime unwraps to when its
// worker process has ended.
var ErrWorker = errors.New("runtime: the isolated worker ended")

// isolatedEnv names the variable that tells a process it is a worker, and
// which descriptors are its sockets to the host: "conn,cancel".
const isolatedEnv = "SAFESH_ISOLATED_FD"

// cancelWait is how long a cancelled chunk in a worker has to end before
// the worker is killed.
const cancelWait = 25 * time.Millisecond

// Message types, host to worker, then worker to host.
const (
	msgInit     = 'I' // the configuration
	msgString   = 'S' // DoString: code, name
	msgFile     = 'F' // DoFile: path
	msgGlobal   = 'G' // CallGlobal: name, args...
	msgReply    = 'R' // a host function's results: true, values... | false, message
	msgQuit     = 'Q' // close the runtime and exit
	msgHello    = 'H' // the worker is up
	msgDone     = 'D' // a request ended: kind, ...
	msgCallHost = 'f' // call host function: name, args...
	msgOutput   = 'o' // output: stream (1 or 2), bytes
)
