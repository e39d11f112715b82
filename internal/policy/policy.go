// Package policy decides what a runtime's scripts may do beyond using the
// descriptors they created: which files, programs, network addresses,
// environment variables and other descriptors they may reach.
//
// A Policy is a value whose methods are the checks. AllowAll is the
// policy of a script that is the whole process (the command line): every
// check passes and every call goes straight to the system. A *Grants is
// the policy of a plugin: it allows nothing until its host grants it, and
// then exactly what was granted, with every path confined by the kernel
// (see inherit.Root). A new policy-checked call is one method here, in
// both implementations.
//
// A refusal is a *DeniedError, which unwraps to its errno (EACCES or
// EPERM), so that a script gets nil, message, errno as for any OS error,
// with a message that says which policy refused.
package policy

import (
	"net"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// A Policy is what a runtime's scripts may do. Its methods either do what
// they are named for, within the policy (Open, Remove, ...), or check
// that something may be done (Program, Connect, ...).
type Policy interface {
	// Unrestricted reports whether everything is allowed. Only the
	// assembly of a runtime asks it, to decide what to offer at all
	// (os.setenv, the whole debug library); the checks never do.
	Unrestricted() bool

	// Open opens path as inherit.Open does; the descriptor is
	// close-on-exec.
	Open(path string, flags int, perm uint32) (int, error)
	// Remove removes a file or an empty directory.
	Remove(path string) error
	// Rename renames a file.
	Rename(from, to string) error
	// OpenTmpfile creates an unnamed temporary file (io.tmpfile).
	OpenTmpfile() (int, error)
	// CreateTemp creates a new temporary file exclusively (os.tmpname),
	// and returns its descriptor and the name a script uses for it.
	CreateTemp(prefix string) (int, string, error)

	// OpenDir opens the directory at path for reading its entries
	// (inherit.DirReader), close-on-exec. forRemoval says that what it
	// holds will be removed through the descriptor (shutil.rmtree): the
	// directory must then be writable, and is never reached through a
	// symbolic link at path itself.
	OpenDir(path string, forRemoval bool) (int, error)
	// Stat returns what stat(2) says of path, or lstat(2) unless follow
	// is set.
	Stat(path string, follow bool) (inherit.FileStat, error)
	// Mkdir creates the directory path, with the permission bits
	// FileMode allows.
	Mkdir(path string, perm uint32) error
	// Unlink removes a file that is not a directory (a symbolic link
	// itself).
	Unlink(path string) error
	// Rmdir removes an empty directory.
	Rmdir(path string) error
	// Symlink creates a symbolic link at link that holds target.
	Symlink(target, link string) error
	// Readlink returns what the symbolic link at path holds.
	Readlink(path string) (string, error)
	// Link makes dst a hard link to src.
	Link(src, dst string) error
	// Chmod sets the permission bits of the file at path to what
	// FileMode allows of perm.
	Chmod(path string, perm uint32) error
	// Chown changes the owner and group of the file at path; -1 leaves
	// one as it is.
	Chown(path string, uid, gid int) error
	// Utime sets the access and modification times of the file at path.
	Utime(path string, t inherit.FileTimes) error
	// Truncate sets the size of the file at path.
	Truncate(path string, size int64) error
	// Access reports whether the file at path may be used as mode says
	// (a sum of inherit.AccessRead, ...): by the system, and by the
	// policy.
	Access(path string, mode uint32) bool
	// FileMode returns the permission bits a script may give a file of
	// perm (mkdir, chmod, and fchmod of its own descriptors).
	FileMode(perm uint32) uint32
	// ChangeFd returns nil if a script may change (chmod, chown,
	// truncate) the file its descriptor fd refers to.
	ChangeFd(fd int, op string) error
	// Chdir changes the working directory scripts see, from which
	// relative paths start; Getcwd returns it.
	Chdir(path string) error
	Getcwd() (string, error)
	// Umask sets the file mode creation mask and returns the one before.
	Umask(mask int) (int, error)

	// Program returns nil if a script may start the program at path,
	// which must be absolute: the file that will be executed.
	Program(path string) error
	// ChildEnv returns the environment a child gets when a script asks
	// for env (nil: the process's own).
	ChildEnv(env []string) []string
	// ChildDir returns the directory a child starts in when a script
	// asks for dir ("": its current one): after a Chdir, a relative dir,
	// or none, is taken from the scripts' working directory, which need
	// not be the process's. "" keeps the process's own.
	ChildDir(dir string) string
	// Getenv reads an environment variable for a script.
	Getenv(name string) (string, bool)
	// Environ returns the environment variables a script may see, as
	// "name=value" strings.
	Environ() []string
	// Signal returns nil if a script may send a signal to the process
	// (or, if negative, the process group) pid; child says whether it is
	// one of the runtime's children.
	Signal(pid int, child bool) error
	// ChildCredential returns nil if a script may start a child as
	// another user or group (user, group, extra_groups).
	ChildCredential() error
	// ChildRlimit returns nil if a script may start a child with the
	// resource limit lim (rlimits), whose resource is called name.
	ChildRlimit(name string, lim inherit.Rlimit) error
	// HandleSignals returns nil if scripts may use the signal module:
	// handle, ignore and raise signals of the process.
	HandleSignals() error
	// ReplaceProcess returns nil if a script may replace the whole
	// process with the program at path (os.exec).
	ReplaceProcess(path string) error

	// Connect returns nil if a script may connect (or send datagrams) to
	// host:port; ip is the address host resolved to, if any.
	Connect(host string, ip net.IP, port int) error
	// Listen returns nil if a script may bind to host:port.
	Listen(host string, ip net.IP, port int) error
	// MayResolve returns nil if a script may look up the name host, to
	// connect to it on port (op "connect") or to bind to it (op "bind").
	MayResolve(op, host string, port int) error
	// UnixPath returns the path at which to bind or connect a unix
	// socket that a script named path; release must be called once the
	// call is made.
	UnixPath(op, path string) (safe string, release func(), err error)

	// UseFd returns nil if a script may use descriptor fd for op; owned
	// says whether the fd is the runtime's own (in its table).
	UseFd(fd int, owned bool, op string) error
	// SeeFd reports whether os.fds() shows fd to a script.
	SeeFd(fd int, owned bool) bool
	// InheritedFds returns what a child started with close_fds = false
	// gets besides its standard streams and pass_fds: every inheritable
	// descriptor of the process (all), or fds, the inheritable ones among
	// owned, the runtime's own descriptors.
	InheritedFds(owned []int) (fds []int, all bool)

	// Close releases what the policy holds (the granted directories).
	Close() error
}

// DeniedError is a refusal by the runtime's policy. It unwraps to its
// errno (EACCES or EPERM), so scripts get nil, message, errno as for any
// OS error, and the message says which policy refused.
type DeniedError struct {
	Op     string
	Target string
	Reason string
	Errno  syscall.Errno
}

func (e *DeniedError) Error() string {
	return e.Op + ": " + e.Target + ": " + e.Errno.Error() + " (" + e.Reason + ")"
}

// Unwrap returns the errno.
func (e *DeniedError) Unwrap() error { return e.Errno }

// denied is a refusal with EACCES.
func denied(op, target, reason string) error {
	return &DeniedError{Op: op, Target: target, Reason: reason, Errno: syscall.EACCES}
}
