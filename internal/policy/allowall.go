package policy

import (
	"io/fs"
	"net"
	"os"
	"strconv"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// AllowAll is the policy of a script that is the whole process, as on the
// command line: any file, any program, the network, the environment, and
// any descriptor of the process that is not the Go runtime's or safesh's
// own (see UseFd).
var AllowAll Policy = allowAll{}

type allowAll struct{}

func (allowAll) Unrestricted() bool { return true }

func (allowAll) Open(path string, flags int, perm uint32) (int, error) {
	return inherit.Open(path, flags, perm)
}

func (allowAll) Remove(path string) error { return os.Remove(path) }

func (allowAll) Rename(from, to string) error { return os.Rename(from, to) }

func (allowAll) OpenTmpfile() (int, error) { return inherit.OpenTmpfile(os.TempDir()) }

func (allowAll) CreateTemp(prefix string) (int, string, error) {
	return inherit.CreateTemp(os.TempDir(), prefix)
}

func (allowAll) Program(string) error { return nil }

func (allowAll) ChildEnv(env []string) []string { return env }

// ChildDir keeps dir: the scripts' working directory is the process's.
func (allowAll) ChildDir(dir string) string { return dir }

func (allowAll) Getenv(name string) (string, bool) { return os.LookupEnv(name) }

func (allowAll) Connect(string, net.IP, int) error { return nil }

func (allowAll) Listen(string, net.IP, int) error { return nil }

func (allowAll) MayResolve(string, string, int) error { return nil }

func (allowAll) UnixPath(_, path string) (string, func(), error) { return path, func() {}, nil }

// UseFd allows the script's own descriptors, and also any descriptor the
// process inherited or made inheritable, and any number that is not open;
// but not a close-on-exec descriptor that is not the script's: those
// belong to the Go runtime (its epoll instance, its eventfd, cgroup files
// it rereads), to safesh's own machinery, or to an embedding host, and
// closing or replacing one would crash or confuse them. Every descriptor
// that crossed an exec is inheritable, so this never refuses one the
// process was given.
func (allowAll) UseFd(fd int, owned bool, op string) error {
	if owned || fd <= 2 {
		return nil
	}
	if inheritable, err := inherit.Inheritable(fd); err != nil || inheritable {
		return nil // not open (the call itself reports EBADF), or not internal
	}
	return &fs.PathError{Op: op, Path: "fd " + strconv.Itoa(fd), Err: errNotScripts}
}

func (allowAll) SeeFd(int, bool) bool { return true }

// InheritedFds gives a child every inheritable descriptor of the process,
// as Python's close_fds=False does.
func (allowAll) InheritedFds([]int) ([]int, bool) { return nil, true }

func (allowAll) Close() error { return nil }

// errNotScripts is EBADF, saying why.
var errNotScripts = notScripts{}

type notScripts struct{}

func (notScripts) Error() string {
	return "bad file descriptor (close-on-exec and not the script's: it belongs to the Go runtime, safesh or the host)"
}
func (notScripts) Is(target error) bool { return target == syscall.EBADF }
func (notScripts) Unwrap() error        { return syscall.EBADF }
