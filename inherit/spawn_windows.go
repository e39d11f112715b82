package inherit

import (
	"syscall"
	"time"
)

func syscallAccess(path string) error { return nil }

// StartProcess is not supported on Windows yet.
func StartProcess(path string, argv []string, attr *ProcAttr) (*Process, error) {
	return nil, unsupported("spawn")
}

// Done reports false: no process is ever started on Windows yet.
func (p *Process) Done() (ExitStatus, bool) { return p.status, p.done }

// Poll is not supported on Windows yet.
func (p *Process) Poll() (ExitStatus, bool, error) { return p.status, false, unsupported("wait") }

// Wait is not supported on Windows yet.
func (p *Process) Wait(timeout time.Duration, wake int) (Readiness, error) {
	return Ready, unsupported("wait")
}

// Signal is not supported on Windows yet.
func (p *Process) Signal(sig syscall.Signal) error { return unsupported("kill") }

// SignalGroup is not supported on Windows yet.
func (p *Process) SignalGroup(sig syscall.Signal) error { return unsupported("killpg") }

// Release does nothing on Windows.
func (p *Process) Release() {}

// ExitFd is not supported on Windows yet.
func (p *Process) ExitFd() (int, error) { return -1, unsupported("wait") }

// ReapPid reports true: there is no adopted child to reap on Windows.
func ReapPid(pid int, wait bool) bool { return true }
