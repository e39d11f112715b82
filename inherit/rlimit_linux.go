package inherit

import (
	goruntime "runtime"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// origNofile returns the soft RLIMIT_NOFILE the process started with, when
// the Go runtime raised it at start-up (to the hard limit minus one, see
// syscall's rlimit.go), so that safesh's children get it back, as the
// children of syscall.ForkExec do: a program that still uses select(2)
// must not see a limit above FD_SETSIZE because its parent was written in
// Go. It returns nil when the limit was not raised, or cannot be learnt.
//
// The original value is in an unexported variable of package syscall; the
// only way to read it is to look at a child of syscall.ForkExec, which
// restores it. The child is stopped by ptrace as soon as it has exec'd, so
// it runs nothing; its limit is read with prlimit and it is killed. This
// costs one exec, once per process, and only where Go raised the limit.
var origNofile = sync.OnceValue(func() *unix.Rlimit {
	var cur unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &cur) != nil || cur.Max == 0 || cur.Cur != cur.Max-1 {
		return nil
	}
	// ptrace makes the calling thread the tracer: keep waiting on it.
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"safesh-rlimit-probe"}, &syscall.ProcAttr{
		Env: []string{},
		Sys: &syscall.SysProcAttr{Ptrace: true},
	})
	if err != nil {
		return nil // ptrace refused (seccomp, Yama): leave the limit as it is
	}
	var orig unix.Rlimit
	perr := unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &orig)
	unix.Kill(pid, unix.SIGKILL)
	var ws unix.WaitStatus
	wait4(pid, &ws, unix.WALL)
	if perr != nil || orig.Max != cur.Max || orig.Cur >= cur.Cur {
		return nil
	}
	return &orig
})
