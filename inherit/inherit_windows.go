// This file gives Windows the portable part of the package's API. Nothing
// is implemented yet: every call returns an error that matches
// errors.ErrUnsupported and says "not supported on windows".

package inherit

import "time"

// Open is not supported on Windows yet.
func Open(path string, flag int, perm uint32) (int, error) { return -1, unsupported("open") }

// Dup is not supported on Windows yet.
func Dup(fd int) (int, error) { return -1, unsupported("dup") }

// DupMin is not supported on Windows yet.
func DupMin(fd, min int) (int, error) { return -1, unsupported("dup") }

// Dup2 is not supported on Windows yet.
func Dup2(fd, fd2 int, inheritable bool) error { return unsupported("dup2") }

// Pipe is not supported on Windows yet.
func Pipe() (r, w int, err error) { return -1, -1, unsupported("pipe") }

// Openpty is not supported on Windows.
func Openpty() (master, slave int, err error) { return -1, -1, unsupported("openpty") }

// Socket is not supported on Windows yet.
func Socket(domain, typ, proto int) (int, error) { return -1, unsupported("socket") }

// Socketpair is not supported on Windows yet.
func Socketpair(domain, typ, proto int) ([2]int, error) {
	return [2]int{-1, -1}, unsupported("socketpair")
}

// Inheritable is not supported on Windows yet.
func Inheritable(fd int) (bool, error) { return false, unsupported("get_inheritable") }

// SetInheritable is not supported on Windows yet.
func SetInheritable(fd int, inheritable bool) error { return unsupported("set_inheritable") }

// Close is not supported on Windows yet.
func Close(fd int) error { return unsupported("close") }

// Read is not supported on Windows yet.
func Read(fd int, p []byte) (int, error) { return 0, unsupported("read") }

// Write is not supported on Windows yet.
func Write(fd int, p []byte) (int, error) { return 0, unsupported("write") }

// WriteAll is not supported on Windows yet.
func WriteAll(fd int, p []byte) (int, error) { return 0, unsupported("write") }

// Seek is not supported on Windows yet.
func Seek(fd int, offset int64, whence int) (int64, error) { return -1, unsupported("lseek") }

// KindOf is not supported on Windows yet.
func KindOf(fd int) (Kind, error) { return KindOther, unsupported("fstat") }

// IsTerminal reports false on Windows for now.
func IsTerminal(fd int) bool { return false }

// ReaderGone reports whether fd's reading side is gone; never known on
// Windows.
func ReaderGone(fd int) bool { return false }

// ListFds is not supported on Windows yet.
func ListFds() ([]FdInfo, error) { return nil, unsupported("fds") }

// A Waker is not available on Windows yet.
type Waker struct{}

// NewWaker is not supported on Windows yet.
func NewWaker() (*Waker, error) { return nil, unsupported("waker") }

// Fd returns -1.
func (w *Waker) Fd() int { return -1 }

// Wake does nothing.
func (w *Waker) Wake() error { return nil }

// Reset does nothing.
func (w *Waker) Reset() error { return nil }

// Close does nothing.
func (w *Waker) Close() error { return nil }

// Wait is not supported on Windows yet.
func Wait(fd int, write bool, timeout time.Duration, wake int) (Readiness, error) {
	return Ready, unsupported("poll")
}

// Size is not supported on Windows yet.
func Size(fd int) (int64, error) { return 0, unsupported("fstat") }

// OpenTmpfile is not supported on Windows yet.
func OpenTmpfile(dir string) (int, error) { return -1, unsupported("tmpfile") }

// CreateTemp is not supported on Windows yet.
func CreateTemp(dir, prefix string) (int, string, error) { return -1, "", unsupported("open") }

// Listen is not supported on Windows yet.
func Listen(fd, backlog int) error { return unsupported("listen") }

// Send is not supported on Windows yet.
func Send(fd int, p []byte, flags int) (int, error) { return 0, unsupported("send") }

// Recv is not supported on Windows yet.
func Recv(fd int, p []byte, flags int) (int, error) { return 0, unsupported("recv") }

// Shutdown is not supported on Windows yet.
func Shutdown(fd, how int) error { return unsupported("shutdown") }

// SetsockoptInt is not supported on Windows yet.
func SetsockoptInt(fd, level, opt, value int) error { return unsupported("setsockopt") }

// GetsockoptInt is not supported on Windows yet.
func GetsockoptInt(fd, level, opt int) (int, error) { return 0, unsupported("getsockopt") }

// SetLinger is not supported on Windows yet.
func SetLinger(fd int, on bool, sec int) error { return unsupported("setsockopt") }

// Linger is not supported on Windows yet.
func Linger(fd int) (on bool, sec int, err error) { return false, 0, unsupported("getsockopt") }

// SendNoWait is not supported on Windows yet.
func SendNoWait(fd int, p []byte) (int, error) { return 0, unsupported("send") }

// CheckAutobind has nothing to check on Windows yet: there are no sockets.
func CheckAutobind(fd int, op string) error { return nil }

// SocketType is not supported on Windows yet.
func SocketType(fd int) (domain, typ int, err error) { return -1, -1, unsupported("getsockopt") }

// Poll is not supported on Windows yet.
func Poll(fds []PollFd, timeout time.Duration, wake int) (Readiness, error) {
	return Ready, unsupported("poll")
}

// SetNonblock is not supported on Windows yet.
func SetNonblock(fd int, nonblocking bool) error { return unsupported("fcntl") }

// SetPipeSize does nothing on Windows.
func SetPipeSize(fd, n int) error { return nil }
