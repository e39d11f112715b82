//go:build unix

package inherit

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func syscallAccess(path string) error { return unix.Access(path, unix.X_OK) }

// StartProcess starts the program at path (see LookPath) with arguments
// argv (argv[0] included) as attr describes. The child gets exactly
// attr.Files and attr.PassFds (and, with attr.InheritFds, whatever else
// is inheritable), however many descriptors the parent has and whichever
// code created them. If the program cannot be started, the error carries
// the child's errno and names the failing step: "exec" with the program,
// or "chdir" with the directory; no child is left behind.
func StartProcess(path string, argv []string, attr *ProcAttr) (*Process, error) {
	if attr == nil {
		attr = &ProcAttr{}
	}
	files := attr.Files
	if files == nil {
		files = []int{0, 1, 2}
	}
	pass, err := passFds(attr.PassFds, len(files))
	if err != nil {
		return nil, err
	}
	if err := checkOpen(files, pass); err != nil {
		return nil, err
	}
	if err := checkAttr(attr); err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		argv = []string{path}
	}
	if p, ok, err := startFast(path, argv, attr, files, pass); ok {
		return p, err
	}
	if attr.Pdeathsig != 0 && !fallbackPdeathsig {
		return nil, &fs.PathError{Op: "spawn", Path: "pdeathsig", Err: syscall.ENOSYS}
	}
	return startForkExec(path, argv, attr, files, pass)
}

// checkAttr checks the options that a child could only report as its
// own failure.
func checkAttr(attr *ProcAttr) error {
	if attr.Umask != nil && (*attr.Umask < 0 || *attr.Umask > 0o777) {
		return &fs.PathError{Op: "spawn", Path: "umask " + strconv.Itoa(*attr.Umask), Err: syscall.EINVAL}
	}
	if attr.Pdeathsig < 0 || attr.Pdeathsig >= 65 {
		return &fs.PathError{Op: "spawn", Path: "pdeathsig " + strconv.Itoa(int(attr.Pdeathsig)), Err: syscall.EINVAL}
	}
	for _, r := range attr.Rlimits {
		if r.Resource < 0 || r.Cur > r.Max {
			return &fs.PathError{Op: "spawn", Path: "rlimit " + strconv.Itoa(r.Resource), Err: syscall.EINVAL}
		}
	}
	return nil
}

// credential is c as syscall.ForkExec takes it: an ID that is not to
// change is the process's own.
func credential(c *Credential) *syscall.Credential {
	if c == nil {
		return nil
	}
	sc := &syscall.Credential{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid()), Groups: c.Groups, NoSetGroups: !c.SetGroups}
	if c.SetUid {
		sc.Uid = c.Uid
	}
	if c.SetGid {
		sc.Gid = c.Gid
	}
	return sc
}

// passFds returns the pass descriptors that Files does not already give
// (those at n or above), sorted and without repeats: the form both spawn
// paths take.
func passFds(fds []int, n int) ([]int, error) {
	var pass []int
	for _, fd := range fds {
		if fd < 0 {
			return nil, &fs.PathError{Op: "spawn", Path: "pass fd " + strconv.Itoa(fd), Err: syscall.EBADF}
		}
		if fd >= n {
			pass = append(pass, fd)
		}
	}
	slices.Sort(pass)
	return slices.Compact(pass), nil
}

// checkOpen checks that every descriptor the child is to get is open, so
// that a bad one is reported by name rather than as the child's failure.
func checkOpen(files, pass []int) error {
	for i, fd := range files {
		if fd < 0 {
			continue
		}
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return &fs.PathError{Op: "spawn", Path: stdioName(i) + " fd " + strconv.Itoa(fd), Err: err}
		}
	}
	for _, fd := range pass {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return &fs.PathError{Op: "spawn", Path: "pass fd " + strconv.Itoa(fd), Err: err}
		}
	}
	return nil
}

func stdioName(i int) string {
	switch i {
	case 0:
		return "stdin"
	case 1:
		return "stdout"
	case 2:
		return "stderr"
	}
	return "child " + strconv.Itoa(i)
}

// startForkExec starts a child through syscall.ForkExec. To keep pass
// descriptors at their numbers and close every other inheritable one, it
// maps each number up to the highest of them explicitly, which costs one
// system call per number in the child and a scan of the parent's
// descriptors (see ListFds). pass is sorted (see passFds). The options
// ForkExec cannot apply (umask, rlimits, signal dispositions, PidEnv)
// go through the trampoline.
func startForkExec(path string, argv []string, attr *ProcAttr, base, pass []int) (*Process, error) {
	inheritable, err := inheritableFds()
	if err != nil {
		return nil, err
	}
	top := len(base) - 1
	if len(pass) > 0 {
		top = max(top, pass[len(pass)-1])
	}
	if !attr.InheritFds && len(inheritable) > 0 {
		top = max(top, inheritable[len(inheritable)-1])
	}
	files := make([]uintptr, top+1)
	for i := range files {
		switch {
		case i < len(base):
			files[i] = uintptr(base[i])
		case slicesContainsSorted(pass, i):
			files[i] = uintptr(i)
		case attr.InheritFds && slicesContainsSorted(inheritable, i):
			files[i] = uintptr(i)
		default:
			files[i] = ^uintptr(0) // -1: closed in the child
		}
	}
	if needTrampoline(attr) {
		// What syscall.ForkExec's child cannot do (trampoline_unix.go).
		return startTrampoline(path, argv, attr, files)
	}
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	p := &Process{pidfd: -1, doneR: -1, doneW: -1}
	sys := sysProcAttr(attr, &p.pidfd)
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{Dir: attr.Dir, Env: env, Files: files, Sys: sys})
	if err != nil {
		return nil, execError(path, attr.Dir, err)
	}
	p.Pid = pid
	return p, nil
}

func slicesContainsSorted(s []int, v int) bool {
	_, found := slices.BinarySearch(s, v)
	return found
}

// inheritableFds returns the parent's inheritable descriptors, sorted.
func inheritableFds() ([]int, error) {
	infos, err := ListFds()
	if err != nil {
		return nil, err
	}
	var fds []int
	for _, info := range infos {
		if info.Inheritable {
			fds = append(fds, info.Fd)
		}
	}
	return fds, nil
}

// execError names the step that failed in the child. syscall.ForkExec
// reports only an errno; when there is a directory to change to and it is
// the one that is missing, that is the step that failed.
func execError(path, dir string, err error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err
	}
	if dir != "" && (errno == syscall.ENOENT || errno == syscall.ENOTDIR || errno == syscall.EACCES) {
		if fi, serr := os.Stat(dir); serr != nil || !fi.IsDir() || unix.Access(dir, unix.X_OK) != nil {
			return &fs.PathError{Op: "chdir", Path: dir, Err: errno}
		}
	}
	return &fs.PathError{Op: "exec", Path: path, Err: errno}
}

// Done reports whether the child has been reaped, and its status if so.
func (p *Process) Done() (ExitStatus, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status, p.done
}

// Poll reaps the child if it has exited, without waiting.
func (p *Process) Poll() (ExitStatus, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done || p.reaping {
		return p.status, p.done, nil
	}
	return p.reapLocked(unix.WNOHANG)
}

// wait4 is unix.Wait4 without rusage, retried on EINTR.
func wait4(pid int, ws *unix.WaitStatus, options int) (int, error) {
	return ignoringEINTR2(func() (int, error) { return unix.Wait4(pid, ws, options, nil) })
}

// reapLocked calls wait4 for the child; p.mu is held.
func (p *Process) reapLocked(options int) (ExitStatus, bool, error) {
	var ws unix.WaitStatus
	pid, err := wait4(p.Pid, &ws, options)
	if err != nil {
		return p.status, false, os.NewSyscallError("wait4", err)
	}
	if pid == 0 {
		return p.status, false, nil
	}
	p.setStatus(ws)
	return p.status, true, nil
}

func (p *Process) setStatus(ws unix.WaitStatus) {
	switch {
	case ws.Signaled():
		p.status = ExitStatus{Signal: ws.Signal()}
	default:
		p.status = ExitStatus{Code: ws.ExitStatus()}
	}
	p.done = true
}

// Wait waits until the child exits and reaps it, for at most timeout (a
// negative timeout waits for ever), or until the descriptor wake (a
// Waker's, or -1) becomes readable. It returns Ready once the child is
// reaped (see Done for its status), TimedOut, or Woken.
func (p *Process) Wait(timeout time.Duration, wake int) (Readiness, error) {
	if timeout < 0 && wake < 0 {
		// Nothing can end the wait early: block in wait4 itself, with no
		// poll before it.
		p.mu.Lock()
		if !p.done && !p.reaping {
			// Not under the lock, which Signal needs meanwhile.
			p.reaping = true
			p.mu.Unlock()
			var ws unix.WaitStatus
			_, err := wait4(p.Pid, &ws, 0)
			p.mu.Lock()
			p.reaping = false
			if err == nil {
				p.setStatus(ws)
			}
			p.mu.Unlock()
			if err != nil {
				return Ready, os.NewSyscallError("wait4", err)
			}
			return Ready, nil
		}
		p.mu.Unlock()
	}
	for {
		fd, err := p.waitFd()
		if err != nil {
			return Ready, err
		}
		if fd < 0 {
			return Ready, nil // already reaped
		}
		r, err := Wait(fd, false, timeout, wake)
		if err != nil || r != Ready {
			return r, err
		}
		if _, done, err := p.Poll(); done || err != nil {
			return Ready, err
		}
		// Readable, but not reaped yet: the reaper goroutine is finishing.
		time.Sleep(time.Millisecond)
	}
}

// Signal sends sig to the child, unless it has already been reaped (then
// it does nothing: its pid may belong to another process by now). With a
// pidfd the signal cannot reach a reused pid at all.
func (p *Process) Signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return nil
	}
	var err error
	if p.pidfd >= 0 {
		err = pidfdSendSignal(p.pidfd, sig)
	} else {
		err = unix.Kill(p.Pid, sig)
	}
	if err == unix.ESRCH {
		return nil // exited, not yet reaped
	}
	if err != nil {
		return os.NewSyscallError("kill", err)
	}
	return nil
}

// SignalGroup sends sig to the child's process group (the child must lead
// one: Setsid or Setpgid), unless the child has already been reaped.
func (p *Process) SignalGroup(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return nil
	}
	if err := unix.Kill(-p.Pid, sig); err != nil && err != unix.ESRCH {
		return os.NewSyscallError("killpg", err)
	}
	return nil
}

// Release frees the descriptors the Process holds. Call it once the child
// has been reaped, or when abandoning it, and no Wait is in progress.
func (p *Process) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pidfd >= 0 {
		unix.Close(p.pidfd)
		p.pidfd = -1
	}
	if p.doneR >= 0 && !p.reaping {
		unix.Close(p.doneR)
		p.doneR = -1
	}
}

// ExitFd returns a descriptor that becomes readable once the child has
// exited (its pidfd, or a reaper goroutine's pipe), for waiting on it
// together with other descriptors, or -1 if it has been reaped already.
// It belongs to the Process: do not close it.
func (p *Process) ExitFd() (int, error) { return p.waitFd() }
