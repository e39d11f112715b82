//go:build unix && !linux

package inherit

import "syscall"

func sysProcAttr(attr *ProcAttr, pidfd *int) *syscall.SysProcAttr {
	sys := &syscall.SysProcAttr{Setsid: attr.Setsid, Setpgid: attr.Setpgid && !attr.Setsid, Pgid: attr.Pgid,
		Credential: credential(attr.Credential)}
	setPdeathsig(sys, attr.Pdeathsig)
	return sys
}

// waitFd returns a descriptor that is readable once the child has exited,
// or -1 if it has been reaped already: this OS has no pidfd, so a reaper
// goroutine provides one.
func (p *Process) waitFd() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return -1, nil
	}
	return p.reaperFdLocked()
}

func pidfdSendSignal(pidfd int, sig syscall.Signal) error { return syscall.ENOSYS }
