package inherit

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// ProcAttr says how StartProcess starts a child. The zero value gives the
// child the parent's standard streams, environment and directory, and no
// other descriptor at all.
type ProcAttr struct {
	// Dir is the child's working directory; "" keeps the parent's.
	Dir string

	// Env is the child's environment, as "key=value" strings; nil gives
	// the parent's.
	Env []string

	// Files are the child's first descriptors: Files[i] is the parent
	// descriptor that becomes the child's descriptor i (inheritable
	// there), or -1 to leave i closed. Any permutation works, swaps
	// included. nil means {0, 1, 2}, the parent's standard streams.
	Files []int

	// PassFds are parent descriptors that the child gets under the same
	// numbers, inheritable in the child only: the parent's flags are left
	// as they are. A number below len(Files) is already given by Files
	// and is ignored here.
	PassFds []int

	// InheritFds, when set, also passes every descriptor that is
	// inheritable in the parent (Python's close_fds=False). By default
	// the child gets Files and PassFds and nothing else, whatever the
	// parent's flags are.
	InheritFds bool

	// PidEnv, when set, names a variable the child sets to its own pid
	// before it execs (LISTEN_PID, for socket activation): the parent
	// reserves its bytes in the environment block and the child writes
	// them, since its pid is not known before the clone. The fallback
	// path's trampoline (see below) writes its own, which the program
	// keeps.
	PidEnv string

	// Setsid starts the child in a new session (and process group).
	Setsid bool

	// Setpgid puts the child in a new process group of its own, or, with
	// Pgid set, in the existing group Pgid.
	Setpgid bool
	Pgid    int

	// Umask, when set, is the child's file mode creation mask.
	//
	// Umask, Rlimits, PidEnv, IgnoreSignals, and RestoreSignals when the
	// process ignores SIGPIPE or SIGXFSZ, are what syscall.ForkExec's
	// child cannot do: on the fallback path (no fast path on this system)
	// the child execs the current executable again as a trampoline, which
	// applies them to itself in this package's init and execs the
	// program, keeping every descriptor number (trampoline_unix.go). That
	// costs a start of the Go runtime per spawn, and only when they are
	// given. The parent's own umask, limits and signals never change.
	Umask *int

	// Rlimits are resource limits set in the child only (setrlimit), in
	// order. One for RLIMIT_NOFILE replaces the restore of the limit the
	// process started with (see origNofile).
	Rlimits []Rlimit

	// Pdeathsig is the signal the child gets when the thread that
	// started it dies (PR_SET_PDEATHSIG), or 0; set after the child's
	// credentials change, which would clear it. Linux and FreeBSD; ENOSYS
	// elsewhere.
	Pdeathsig syscall.Signal

	// RestoreSignals sets SIGPIPE and SIGXFSZ back to their default
	// action in the child, if the process ignores them (as Python's
	// restore_signals). Signals the Go runtime handles are reset to the
	// default at exec in any case; other ignored signals stay ignored, as
	// POSIX keeps them across exec.
	RestoreSignals bool

	// IgnoreSignals are set to SIG_IGN in the child before it execs, so
	// that the new program keeps them ignored (a script's signals set to
	// "ignore", which safesh receives and drops instead of ignoring, when
	// restore_signals is false).
	IgnoreSignals []syscall.Signal

	// Credential, when set, gives the child other user and group IDs.
	Credential *Credential
}

// Rlimit is a resource limit for a child: Resource is an RLIMIT_*
// number (see RlimitByName), Cur and Max the soft and hard limits, with
// RlimInfinity for no limit.
type Rlimit struct {
	Resource int
	Cur, Max uint64
}

// RlimInfinity is the value of a limit that is not limited.
const RlimInfinity = ^uint64(0)

// Credential says which user and groups a child runs as. The child sets
// its supplementary groups (when SetGroups), then its group ID (when
// SetGid), then its user ID (when SetUid), in that order, so that the
// group changes are made while it still may. Without privilege each
// change to another ID fails with EPERM.
type Credential struct {
	Uid, Gid       uint32
	SetUid, SetGid bool
	Groups         []uint32
	SetGroups      bool
}

// ExitStatus is how a child ended.
type ExitStatus struct {
	Code   int            // the exit status, when Signal is 0
	Signal syscall.Signal // the signal that killed it, or 0
}

// ReturnCode returns the status as Python's Popen.returncode has it: the
// exit status, or -N when killed by signal N.
func (s ExitStatus) ReturnCode() int {
	if s.Signal != 0 {
		return -int(s.Signal)
	}
	return s.Code
}

// A Process is a child started by StartProcess. Its methods are safe for
// concurrent use.
type Process struct {
	// Pid is the child's process ID.
	Pid int

	mu      sync.Mutex
	pidfd   int  // a pidfd for the child (close-on-exec), or -1
	done    bool // reaped
	status  ExitStatus
	doneR   int // other unix: readable once the reaper goroutine is done
	doneW   int
	reaping bool
}

// LookPath finds the program that file names, the way execvp does in a
// child whose working directory is dir ("" for the parent's): a name with
// a slash is used as it is; otherwise each directory of the PATH in env
// (or of the parent's environment, if env is nil) is tried in turn,
// relative ones from dir. A file that exists but is not executable is
// skipped, and reported as EACCES if nothing else is found. A relative
// result is relative to dir.
func LookPath(file string, env []string, dir string) (string, error) {
	if file == "" {
		return "", &fs.PathError{Op: "exec", Path: file, Err: syscall.ENOENT}
	}
	if strings.Contains(file, "/") {
		return file, nil
	}
	path, ok := "", false
	if env != nil {
		for i := len(env) - 1; i >= 0; i-- { // the last one wins, as in getenv
			if v, found := strings.CutPrefix(env[i], "PATH="); found {
				path, ok = v, true
				break
			}
		}
	} else {
		path, ok = os.LookupEnv("PATH")
	}
	if !ok {
		path = "/usr/local/bin:/usr/bin:/bin" // glibc's default for execvp
	}
	errno := syscall.ENOENT
	for _, pathDir := range filepath.SplitList(path) {
		if pathDir == "" {
			pathDir = "."
		}
		candidate := filepath.Join(pathDir, file)
		seen := candidate // where the parent finds it
		if !filepath.IsAbs(candidate) && dir != "" {
			seen = filepath.Join(dir, candidate)
		}
		fi, err := os.Stat(seen)
		if err != nil || fi.IsDir() {
			continue
		}
		if fi.Mode()&0o111 == 0 || syscallAccess(seen) != nil {
			errno = syscall.EACCES
			continue
		}
		if !strings.HasPrefix(candidate, "/") && !strings.HasPrefix(candidate, ".") {
			candidate = "./" + candidate
		}
		return candidate, nil
	}
	return "", &fs.PathError{Op: "exec", Path: file, Err: errno}
}

// RlimitByName returns the RLIMIT_* number of a resource named as
// Python's resource module names it without RLIMIT_, in lower case
// ("nofile", "core", "cpu", "as", "nproc", "fsize", ...).
func RlimitByName(name string) (int, bool) {
	r, ok := rlimitNames[name]
	return r, ok
}

// RlimitNames returns the names RlimitByName knows, sorted.
func RlimitNames() []string {
	names := make([]string, 0, len(rlimitNames))
	for n := range rlimitNames {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
