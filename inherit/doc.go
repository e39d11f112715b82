// Package inherit creates and manages file descriptors that no child
// process inherits by accident.
//
// Every function in this package that returns a new descriptor returns it
// close-on-exec (non-inheritable, in the words of PEP 446) from the moment
// it exists. Where the operating system can create the descriptor with the
// flag already set, that single atomic system call is used. Where it
// cannot, the descriptor is created and then marked close-on-exec while
// syscall.ForkLock is held for reading, so that no fork done through the
// syscall or os/exec packages can happen between the two steps.
//
// The policy, primitive by primitive (Linux has every atomic form):
//
//	Open          openat(O_CLOEXEC)               everywhere (unix)
//	Pipe          pipe2(O_CLOEXEC)                fallback: pipe + FIOCLEX under ForkLock (darwin, aix)
//	Dup           fcntl(F_DUPFD_CLOEXEC)          everywhere (unix)
//	Dup2          dup3(O_CLOEXEC) or dup2         fallback: dup2 + FIOCLEX under ForkLock (darwin)
//	Socket        socket(SOCK_CLOEXEC)            fallback: socket + FIOCLEX under ForkLock (darwin)
//	Socketpair    socketpair(SOCK_CLOEXEC)        fallback: socketpair + FIOCLEX under ForkLock (darwin)
//	Accept        accept4(SOCK_CLOEXEC)           fallback: poll, then accept + FIOCLEX under ForkLock (darwin)
//	RecvFds       recvmsg(MSG_CMSG_CLOEXEC)       fallback: poll, then recvmsg + FIOCLEX under ForkLock (darwin)
//	Openpty       open(/dev/ptmx, O_CLOEXEC) and ioctl(TIOCGPTPEER, O_CLOEXEC) (Linux)
//	NewWaker      eventfd(EFD_CLOEXEC)            other unix: a Pipe
//	EpollCreate   epoll_create1(EPOLL_CLOEXEC)    Linux only (no fallback needed)
//
// SetInheritable changes the flag with one system call: ioctl(FIOCLEX) or
// ioctl(FIONCLEX) where the OS has them, fcntl(F_SETFD) otherwise.
// Dup2 with inheritable set to true is the one documented way to create an
// inheritable descriptor, as os.dup2 is in Python.
//
// Descriptors 0, 1 and 2 are never changed unless a caller asks.
//
// Beyond creating descriptors the package holds what safesh's modules need
// of the system: the plain I/O and socket calls (EINTR handled, errors
// named, sends without SIGPIPE), Wait and Poll with a Waker to interrupt
// them, Root for directories that cannot be escaped, and StartProcess,
// which starts a child that gets exactly the descriptors it is given.
//
// Errors are *os.SyscallError, or *fs.PathError for calls that take a
// path or a socket address (which is then the Path), wrapping the bare
// syscall.Errno, so that errors.Is(err, fs.ErrNotExist)
// and errors.As(err, &errno) both work. Calls interrupted by a signal
// (EINTR) are retried, except close, which must never be retried.
//
// On Linux, tests can force the fallback paths (see export_test.go) and run
// the same assertions on them. On Windows every function returns an error
// that matches errors.ErrUnsupported and says "not supported on windows".
package inherit
