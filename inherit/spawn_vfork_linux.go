//go:build linux && (amd64 || arm64)

// This file implements the fast spawn path: an own vfork-style child
// (clone with CLONE_VM|CLONE_VFORK|CLONE_PIDFD) that closes every
// descriptor above its standard ones except the pass descriptors, with one
// close_range per gap between them, whoever created them, then clears
// close-on-exec on exactly the pass descriptors. Its cost in user space
// does not grow with the number of open descriptors, the highest one, or
// RLIMIT_NOFILE.
//
// The descriptors are closed before execve, not left to the kernel's
// close-on-exec: a vfork parent resumes as soon as the new program is
// mapped, before the kernel closes the close-on-exec descriptors, and for
// that moment the child would still hold, say, a listening socket that the
// parent closes and binds again (EADDRINUSE). CPython closes them the same
// way.
//
// The child shares the parent's memory and runs on the parent goroutine's
// stack until it execs, exactly as syscall.forkAndExecInChild1 does: it may
// only make raw system calls (no allocation, no locks, no stack growth),
// and it reports a failure by writing its errno into memory the parent
// reads once it resumes, instead of through a pipe.
//
// The child must not run the Go runtime's signal handlers before it
// execs. syscall's child resets each of them with one rt_sigaction call,
// some 60 system calls per spawn; this one is cloned with clone3's
// CLONE_CLEAR_SIGHAND, which has the kernel do it while it copies the
// handler table, and only restores its signal mask. Where clone3 is
// refused (some seccomp policies say ENOSYS), it uses clone and the
// runtime's reset.

package inherit

import (
	"io/fs"
	"math"
	"os"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The runtime's fork hooks, which syscall.ForkExec uses too: the runtime
// keeps them reachable by linkname for exactly this (go.dev/issue/67401).
//
//go:linkname runtime_BeforeFork syscall.runtime_BeforeFork
func runtime_BeforeFork()

//go:linkname runtime_AfterFork syscall.runtime_AfterFork
func runtime_AfterFork()

//go:linkname runtime_AfterForkInChild syscall.runtime_AfterForkInChild
func runtime_AfterForkInChild()

// rawVfork makes the clone system call trap(a1, a2, a3) so that a child
// sharing the caller's stack can return from it too (spawn_vfork_linux_*.s).
func rawVfork(trap, a1, a2, a3 uintptr) (r1 uintptr, err syscall.Errno)

// childArgs is everything the child needs, prepared by the parent before
// the fork, since the child may not allocate.
type childArgs struct {
	argv0    *byte
	argv     []*byte
	envv     []*byte
	dir      *byte     // nil: stay
	files    []int     // the child's descriptor i is files[i]; the child rewrites this copy
	pass     []uintptr // kept at their numbers, all >= len(files), sorted
	setsid   bool
	setpgid  bool
	pgid     uintptr
	closeFds bool
	rlim     *unix.Rlimit // RLIMIT_NOFILE to restore, or nil
	pidEnv   *byte        // where the child writes its pid's digits (PidEnv), or nil

	// The options of ProcAttr that the child applies itself.
	umask      int // -1: leave it
	rlimits    []childRlimit
	sigdfl     bool // RestoreSignals
	setgroups  bool
	groups     []uint32 // never empty: a valid pointer for setgroups
	ngroups    uintptr
	setgid     bool
	gid        uintptr
	setuid     bool
	uid        uintptr
	pdeathsig  uintptr
	ppid       uintptr
	sigactDflt [4]uint64 // a struct sigaction with SIG_DFL, no flags, no mask
	sigign     []uintptr // IgnoreSignals
	sigactIgn  [4]uint64 // a struct sigaction with SIG_IGN

	// clone3 is set when the child is cloned with CLONE_CLEAR_SIGHAND;
	// it then sets sigmask, the parent thread's signal mask, itself.
	clone3  bool
	sigmask unix.Sigset_t
}

// childRlimit is one limit for the child to set.
type childRlimit struct {
	resource uintptr
	lim      unix.Rlimit
}

// cloneArgs is the kernel's struct clone_args, as far as
// CLONE_ARGS_SIZE_VER0.
type cloneArgs struct {
	flags      uint64
	pidfd      uint64
	childTid   uint64
	parentTid  uint64
	exitSignal uint64
	stack      uint64
	stackSize  uint64
	tls        uint64
}

// noClone3 is set once clone3 has been refused: later spawns use clone.
var noClone3 atomic.Bool

// sysClone3 is clone3's system call number; tests make it one the kernel
// does not know, to see clone3 refused.
var sysClone3 uintptr = unix.SYS_CLONE3

// childFailure is written by a child that could not exec, into memory it
// shares with the parent, before it exits.
type childFailure struct {
	errno syscall.Errno
	step  uintptr
}

// The steps a child can fail at.
const (
	stepExec = iota + 1
	stepChdir
	stepSetsid
	stepSetpgid
	stepDup
	stepCloseRange
	stepPassFd
	stepSignals
	stepSetrlimit
	stepSetgroups
	stepSetgid
	stepSetuid
	stepPdeathsig
)

var stepNames = [...]string{stepExec: "exec", stepChdir: "chdir", stepSetsid: "setsid",
	stepSetpgid: "setpgid", stepDup: "dup", stepCloseRange: "close_range", stepPassFd: "pass_fds",
	stepSignals: "restore_signals", stepSetrlimit: "setrlimit", stepSetgroups: "setgroups", stepSetgid: "setgid",
	stepSetuid: "setuid", stepPdeathsig: "pdeathsig"}

// vforkUsable reports, once, whether this kernel has what the fast path
// needs: close_range (Linux 5.9) and a seccomp policy that allows it.
// CLONE_PIDFD is older (5.2).
var vforkUsable = sync.OnceValue(func() bool {
	// An empty range: nothing is closed, but an old kernel says ENOSYS.
	return unix.CloseRange(math.MaxUint32, math.MaxUint32, 0) == nil
})

// startFast starts a child on the fast path. ok is false when the path is
// not available here, and the caller falls back. pass is sorted (see
// passFds): the child closes the gaps between its entries.
func startFast(path string, argv []string, attr *ProcAttr, files, pass []int) (p *Process, ok bool, err error) {
	if forceFallback.Load() || !vforkUsable() {
		return nil, false, nil
	}
	a := &childArgs{
		files:    append([]int(nil), files...),
		setsid:   attr.Setsid,
		setpgid:  attr.Setpgid && !attr.Setsid,
		pgid:     uintptr(attr.Pgid),
		closeFds: !attr.InheritFds,
		rlim:     origNofile(),
		umask:    -1,
		sigdfl:   attr.RestoreSignals,
	}
	for _, sig := range attr.IgnoreSignals {
		a.sigign = append(a.sigign, uintptr(sig))
	}
	a.sigactIgn[0] = 1 // SIG_IGN
	if attr.Umask != nil {
		a.umask = *attr.Umask
	}
	if len(attr.Rlimits) > 0 {
		a.rlimits = make([]childRlimit, len(attr.Rlimits))
		for i, r := range attr.Rlimits {
			a.rlimits[i] = childRlimit{uintptr(r.Resource), unix.Rlimit{Cur: r.Cur, Max: r.Max}}
			if r.Resource == unix.RLIMIT_NOFILE {
				a.rlim = nil // the script's limit, not the one the process started with
			}
		}
	}
	if c := attr.Credential; c != nil {
		a.setgroups, a.groups, a.ngroups = c.SetGroups, c.Groups, uintptr(len(c.Groups))
		if len(a.groups) == 0 {
			a.groups = make([]uint32, 1)
		}
		a.setgid, a.gid = c.SetGid, uintptr(c.Gid)
		a.setuid, a.uid = c.SetUid, uintptr(c.Uid)
	}
	if attr.Pdeathsig != 0 {
		a.pdeathsig, a.ppid = uintptr(attr.Pdeathsig), uintptr(os.Getpid())
	}
	if a.argv0, err = syscall.BytePtrFromString(path); err != nil {
		return nil, true, &fs.PathError{Op: "exec", Path: path, Err: err}
	}
	if a.argv, err = syscall.SlicePtrFromStrings(argv); err != nil {
		return nil, true, &fs.PathError{Op: "exec", Path: path, Err: err}
	}
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	if attr.PidEnv != "" {
		env = withoutVar(env, attr.PidEnv)
	}
	if a.envv, err = syscall.SlicePtrFromStrings(env); err != nil {
		return nil, true, &fs.PathError{Op: "exec", Path: path, Err: err}
	}
	if attr.PidEnv != "" {
		// NAME= and room for any pid's digits and the NUL: the child
		// writes them.
		b := make([]byte, len(attr.PidEnv)+1+pidDigits+1)
		copy(b, attr.PidEnv+"=")
		a.pidEnv = &b[len(attr.PidEnv)+1]
		envv := a.envv[:len(a.envv)-1] // without the nil at the end
		a.envv = append(envv, &b[0], nil)
	}
	if attr.Dir != "" {
		if a.dir, err = syscall.BytePtrFromString(attr.Dir); err != nil {
			return nil, true, &fs.PathError{Op: "chdir", Path: attr.Dir, Err: err}
		}
	}
	a.pass = make([]uintptr, len(pass))
	for i, fd := range pass {
		a.pass[i] = uintptr(fd)
	}

	if attr.InheritFds {
		// No sweep in the child: a descriptor made by a ForkLock fallback
		// must not be caught between its creation and its FIOCLEX.
		syscall.ForkLock.Lock()
	}
	fail := new(childFailure)
	pidfd := int32(-1)
	// The mask the child restores is this thread's: the one that
	// runtime_BeforeFork saves and blocks.
	goruntime.LockOSThread()
	a.clone3 = !noClone3.Load() && unix.PthreadSigmask(unix.SIG_SETMASK, nil, &a.sigmask) == nil
	pid, errno := vforkExec(a, fail, &pidfd)
	runtime_AfterFork()
	if a.clone3 && (errno == unix.ENOSYS || errno == unix.EPERM || errno == unix.EINVAL) {
		// Refused before any child existed: clone it the old way.
		noClone3.Store(true)
		a.clone3 = false
		pid, errno = vforkExec(a, fail, &pidfd)
		runtime_AfterFork()
	}
	goruntime.UnlockOSThread()
	if attr.InheritFds {
		syscall.ForkLock.Unlock()
	}
	if errno != 0 {
		return nil, true, os.NewSyscallError("clone", errno)
	}
	if fail.errno != 0 {
		// The child has exited: reap it, so that no zombie is left.
		var ws unix.WaitStatus
		wait4(int(pid), &ws, 0)
		unix.Close(int(pidfd))
		return nil, true, childError(fail, path, attr.Dir)
	}
	return &Process{Pid: int(pid), pidfd: int(pidfd), doneR: -1, doneW: -1}, true, nil
}

// pidDigits is the most digits a pid has (pid_t is 32 bits).
const pidDigits = 10

// childError turns a child's report into the error StartProcess returns.
func childError(fail *childFailure, path, dir string) error {
	switch fail.step {
	case stepExec:
		return &fs.PathError{Op: "exec", Path: path, Err: fail.errno}
	case stepChdir:
		return &fs.PathError{Op: "chdir", Path: dir, Err: fail.errno}
	}
	name := "spawn"
	if fail.step < uintptr(len(stepNames)) {
		name = stepNames[fail.step]
	}
	return os.NewSyscallError(name, fail.errno)
}

// vforkExec clones a child that sets itself up as a describes and execs.
// In the parent it returns the child's pid at once; the child never
// returns. Every variable the child uses is declared before the fork, and
// the child calls nothing but raw system calls and the runtime's nosplit
// hook, as syscall.forkAndExecInChild1 does.
//
//go:noinline
//go:norace
//go:nocheckptr
func vforkExec(a *childArgs, fail *childFailure, pidfd *int32) (pid uintptr, err syscall.Errno) {
	var (
		err1 syscall.Errno
		fd   uintptr
		i    int
		step uintptr
		n    = len(a.files)
		lo   uintptr
		pv   uintptr
		pn   uintptr
	)

	ca := cloneArgs{
		flags:      unix.CLONE_VM | unix.CLONE_VFORK | unix.CLONE_PIDFD | unix.CLONE_CLEAR_SIGHAND,
		pidfd:      uint64(uintptr(unsafe.Pointer(pidfd))),
		exitSignal: uint64(unix.SIGCHLD),
	}
	runtime_BeforeFork()
	if a.clone3 {
		pid, err = rawVfork(sysClone3, uintptr(unsafe.Pointer(&ca)), unsafe.Sizeof(ca), 0)
	} else {
		pid, err = rawVfork(unix.SYS_CLONE, unix.CLONE_VM|unix.CLONE_VFORK|unix.CLONE_PIDFD|uintptr(unix.SIGCHLD),
			0, uintptr(unsafe.Pointer(pidfd)))
	}
	if err != 0 || pid != 0 {
		// The parent: return at once, so that nothing here reads what the
		// child may have written into this frame.
		return pid, err
	}

	// The child. Sessions and groups come before the signal mask is
	// restored, as in syscall's child.
	if a.setsid {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_SETSID, 0, 0, 0); err1 != 0 {
			step = stepSetsid
			goto childerror
		}
	}
	if a.setpgid {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_SETPGID, 0, a.pgid, 0); err1 != 0 {
			step = stepSetpgid
			goto childerror
		}
	}
	if a.sigdfl {
		// restore_signals: what the process ignores, SIGPIPE and SIGXFSZ
		// above all, is not ignored by the new program, while every
		// signal is still blocked.
		if _, _, err1 = syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGPIPE), uintptr(unsafe.Pointer(&a.sigactDflt)), 0, 8, 0, 0); err1 != 0 {
			step = stepSignals
			goto childerror
		}
		if _, _, err1 = syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGXFSZ), uintptr(unsafe.Pointer(&a.sigactDflt)), 0, 8, 0, 0); err1 != 0 {
			step = stepSignals
			goto childerror
		}
	}
	for _, sig := range a.sigign {
		// restore_signals = false: what the script ignores stays ignored.
		if _, _, err1 = syscall.RawSyscall6(unix.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&a.sigactIgn)), 0, 8, 0, 0); err1 != 0 {
			step = stepSignals
			goto childerror
		}
	}
	if a.clone3 {
		// The handlers are the defaults already: unblock what the
		// parent thread had unblocked.
		syscall.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&a.sigmask)), 0, 8, 0, 0)
	} else {
		runtime_AfterForkInChild()
	}

	if a.dir != nil {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_CHDIR, uintptr(unsafe.Pointer(a.dir)), 0, 0); err1 != 0 {
			step = stepChdir
			goto childerror
		}
	}

	// Pass 1: a source below its target could be overwritten by an
	// earlier target (stdin = 1, stdout = 0): move it out of the way, to
	// the lowest free number at or above n, which clobbers nothing. The
	// copy is close-on-exec and disappears at exec.
	for i = 0; i < n; i++ {
		if a.files[i] >= 0 && a.files[i] < i {
			fd, _, err1 = syscall.RawSyscall(unix.SYS_FCNTL, uintptr(a.files[i]), unix.F_DUPFD_CLOEXEC, uintptr(n))
			if err1 != 0 {
				step = stepDup
				goto childerror
			}
			a.files[i] = int(fd)
		}
	}

	// Pass 2: each target gets its source, inheritable.
	for i = 0; i < n; i++ {
		switch {
		case a.files[i] < 0:
			syscall.RawSyscall(unix.SYS_CLOSE, uintptr(i), 0, 0)
		case a.files[i] == i:
			if _, _, err1 = syscall.RawSyscall(unix.SYS_FCNTL, uintptr(i), unix.F_SETFD, 0); err1 != 0 {
				step = stepDup
				goto childerror
			}
		default:
			if _, _, err1 = syscall.RawSyscall(unix.SYS_DUP3, uintptr(a.files[i]), uintptr(i), 0); err1 != 0 {
				step = stepDup
				goto childerror
			}
		}
	}

	// Close everything from n up but the pass descriptors, whoever created
	// it: the script, the Go runtime, an embedding host, or safesh's own
	// parent. Pass 1's copies go too.
	if a.closeFds {
		lo = uintptr(n)
		for i = 0; i < len(a.pass); i++ {
			if a.pass[i] > lo {
				if _, _, err1 = syscall.RawSyscall(unix.SYS_CLOSE_RANGE, lo, a.pass[i]-1, 0); err1 != 0 {
					step = stepCloseRange
					goto childerror
				}
			}
			lo = a.pass[i] + 1
		}
		if _, _, err1 = syscall.RawSyscall(unix.SYS_CLOSE_RANGE, lo, math.MaxUint32, 0); err1 != 0 {
			step = stepCloseRange
			goto childerror
		}
	}

	// The pass descriptors keep their numbers and become inheritable here
	// only: the flag belongs to this child's descriptor table.
	for i = 0; i < len(a.pass); i++ {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_FCNTL, a.pass[i], unix.F_SETFD, 0); err1 != 0 {
			step = stepPassFd
			goto childerror
		}
	}

	if a.pidEnv != nil {
		// The child's own pid, in decimal, into the reserved bytes.
		pv, _, _ = syscall.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
		pn = 1
		for lo = pv; lo >= 10; lo /= 10 {
			pn++
		}
		*(*byte)(unsafe.Add(unsafe.Pointer(a.pidEnv), pn)) = 0
		for ; pn > 0; pn-- {
			*(*byte)(unsafe.Add(unsafe.Pointer(a.pidEnv), pn-1)) = byte('0' + pv%10)
			pv /= 10
		}
	}

	if a.umask >= 0 {
		syscall.RawSyscall(unix.SYS_UMASK, uintptr(a.umask), 0, 0)
	}
	// Limits before the user changes: raising one needs privilege.
	for i = 0; i < len(a.rlimits); i++ {
		if _, _, err1 = syscall.RawSyscall6(unix.SYS_PRLIMIT64, 0, a.rlimits[i].resource, uintptr(unsafe.Pointer(&a.rlimits[i].lim)), 0, 0, 0); err1 != 0 {
			step = stepSetrlimit
			goto childerror
		}
	}
	// Groups, then the group, then the user: each needs the privilege
	// the next one gives up.
	if a.setgroups {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_SETGROUPS, a.ngroups, uintptr(unsafe.Pointer(&a.groups[0])), 0); err1 != 0 {
			step = stepSetgroups
			goto childerror
		}
	}
	if a.setgid {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_SETGID, a.gid, 0, 0); err1 != 0 {
			step = stepSetgid
			goto childerror
		}
	}
	if a.setuid {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_SETUID, a.uid, 0, 0); err1 != 0 {
			step = stepSetuid
			goto childerror
		}
	}
	// After the credentials, whose change clears it. If the parent died
	// before it was set, nothing would send it: send it now (prctl(2)).
	if a.pdeathsig != 0 {
		if _, _, err1 = syscall.RawSyscall(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, a.pdeathsig, 0); err1 != 0 {
			step = stepPdeathsig
			goto childerror
		}
		if pv, _, _ = syscall.RawSyscall(unix.SYS_GETPPID, 0, 0, 0); pv != a.ppid {
			pv, _, _ = syscall.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
			syscall.RawSyscall(unix.SYS_KILL, pv, a.pdeathsig, 0)
		}
	}

	if a.rlim != nil {
		syscall.RawSyscall6(unix.SYS_PRLIMIT64, 0, unix.RLIMIT_NOFILE, uintptr(unsafe.Pointer(a.rlim)), 0, 0, 0)
	}

	_, _, err1 = syscall.RawSyscall(unix.SYS_EXECVE,
		uintptr(unsafe.Pointer(a.argv0)),
		uintptr(unsafe.Pointer(&a.argv[0])),
		uintptr(unsafe.Pointer(&a.envv[0])))
	step = stepExec

childerror:
	fail.errno = err1
	fail.step = step
	for {
		syscall.RawSyscall(unix.SYS_EXIT_GROUP, 127, 0, 0)
	}
}
