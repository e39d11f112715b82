package inherit

import "syscall"

// ExecAttr says how Exec replaces the process. The zero value changes
// nothing but the image: the new program gets the process's directory,
// environment and inheritable descriptors.
type ExecAttr struct {
	// Dir is the directory the program runs in; "" keeps the process's.
	Dir string

	// Env is the program's environment, as "key=value" strings; nil
	// gives the process's own.
	Env []string

	// Fds are descriptors the program gets at chosen numbers: Fds[n] is
	// the process's descriptor that becomes its n (n >= 3), inheritable
	// there. Any permutation works, and n may be a number the process
	// uses itself (the Go runtime's own included) where the process's
	// descriptor table can be made the exec'ing thread's own (Linux);
	// elsewhere n must be free.
	Fds map[int]int

	// PassFds are close-on-exec descriptors the program gets all the
	// same, at their numbers. Every other descriptor goes through exec
	// as its flag says: close-on-exec ones are closed, inheritable ones
	// are passed (PEP 446's rule for execv).
	PassFds []int

	// Umask, when set, is the program's file mode creation mask.
	Umask *int

	// Rlimits are resource limits for the program, set in order just
	// before the exec (see Exec for what a failed exec can undo).
	Rlimits []Rlimit

	// RestoreSignals sets SIGPIPE and SIGXFSZ back to their default
	// action for the program, if the process ignores them; IgnoreSignals
	// are set to SIG_IGN for it. Linux only: elsewhere they have no
	// effect.
	RestoreSignals bool
	IgnoreSignals  []syscall.Signal

	// Credential, when set, gives the program other user and group IDs
	// (Linux; ENOSYS elsewhere).
	Credential *Credential
}
