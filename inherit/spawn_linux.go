package inherit

import (
	"syscall"

	"golang.org/x/sys/unix"
)

func sysProcAttr(attr *ProcAttr, pidfd *int) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: attr.Setsid, Setpgid: attr.Setpgid && !attr.Setsid, Pgid: attr.Pgid, PidFD: pidfd,
		Credential: credential(attr.Credential), Pdeathsig: attr.Pdeathsig}
}

// fallbackPdeathsig says whether syscall.ForkExec can set Pdeathsig here.
const fallbackPdeathsig = true

// waitFd returns a descriptor that is readable once the child has exited
// (its pidfd), or -1 if it has been reaped already. Without a pidfd (a
// kernel older than 5.4), a reaper goroutine provides one.
func (p *Process) waitFd() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return -1, nil
	}
	if p.pidfd >= 0 {
		return p.pidfd, nil
	}
	return p.reaperFdLocked()
}

func pidfdSendSignal(pidfd int, sig syscall.Signal) error {
	return unix.PidfdSendSignal(pidfd, sig, nil, 0)
}
