//go:build unix

package inherit

import "golang.org/x/sys/unix"

// reaperFdLocked starts, once, a goroutine that waits for the child in
// wait4 and then closes the write end of a pipe, and returns the read
// end, which becomes readable (at end of file) when the child is reaped.
// p.mu is held.
func (p *Process) reaperFdLocked() (int, error) {
	if p.reaping || p.doneR >= 0 {
		return p.doneR, nil
	}
	r, w, err := Pipe()
	if err != nil {
		return -1, err
	}
	p.doneR, p.doneW, p.reaping = r, w, true
	go func() {
		var ws unix.WaitStatus
		_, err := wait4(p.Pid, &ws, 0)
		p.mu.Lock()
		if err == nil {
			p.setStatus(ws)
		} else {
			p.done = true // ECHILD: someone else reaped it; the status is lost
			p.status = ExitStatus{Code: -1}
		}
		p.reaping = false
		unix.Close(p.doneW)
		p.doneW = -1
		p.mu.Unlock()
	}()
	return r, nil
}
