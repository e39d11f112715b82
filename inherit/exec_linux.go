package inherit

import (
	"io/fs"
	"os"
	goruntime "runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// execCredentials says whether Exec can change IDs here.
const execCredentials = true

// execForceShared makes Exec take execShared's path, as where unshare is
// refused (tests).
var execForceShared atomic.Bool

// execImage runs Exec's steps in a thread of their own, whose descriptor
// table and file system context (directory, umask) are unshared from the
// rest of the process: the moves are made there only. After a failed exec
// the goroutine ends still locked, and the runtime ends the thread with
// its private table. Where unshare is refused (seccomp), it falls back to
// execShared.
func execImage(path string, argv, env []string, attr *ExecAttr) error {
	if execForceShared.Load() {
		return execShared(path, argv, env, attr)
	}
	errc := make(chan error, 1)
	var run func()
	run = func() {
		goruntime.LockOSThread() // never unlocked once unshared: the thread ends with the goroutine
		if unix.Gettid() == unix.Getpid() {
			// The runtime never ends the main thread, it wedges it, which
			// would keep the private table's descriptors open: run from
			// another thread, keeping this one.
			inner := make(chan error, 1)
			go func() {
				run()
				inner <- <-errc
			}()
			err := <-inner
			goruntime.UnlockOSThread()
			errc <- err
			return
		}
		if err := unix.Unshare(unix.CLONE_FILES | unix.CLONE_FS); err != nil {
			goruntime.UnlockOSThread() // nothing changed for this thread
			errc <- execShared(path, argv, env, attr)
			return
		}
		errc <- execPrivate(path, argv, env, attr)
	}
	go run()
	return <-errc
}

// execPrivate is Exec in a thread with its own descriptor table and file
// system context.
func execPrivate(path string, argv, env []string, attr *ExecAttr) error {
	if attr.Dir != "" {
		if err := Chdir(attr.Dir); err != nil {
			return err
		}
	}
	if attr.Umask != nil {
		unix.Umask(*attr.Umask)
	}
	for _, fd := range attr.PassFds {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
			return &fs.PathError{Op: "exec", Path: "pass fd " + strconv.Itoa(fd), Err: err}
		}
	}
	// Two passes, as a spawned child makes them: every source is first
	// copied above every target (close-on-exec), so that no move
	// overwrites a source still to be moved.
	keys := sortedKeys(attr.Fds)
	if len(keys) > 0 {
		above := keys[len(keys)-1] + 1
		tmp := make([]int, len(keys))
		for i, n := range keys {
			fd, err := unix.FcntlInt(uintptr(attr.Fds[n]), unix.F_DUPFD_CLOEXEC, above)
			if err != nil {
				return &fs.PathError{Op: "exec", Path: "fd " + strconv.Itoa(n), Err: err}
			}
			tmp[i] = fd
		}
		for i, n := range keys {
			if err := dupRetrying(func() error { return unix.Dup3(tmp[i], n, 0) }); err != nil {
				return &fs.PathError{Op: "exec", Path: "fd " + strconv.Itoa(n), Err: err}
			}
		}
	}
	var undo undoList
	defer func() { undo.run() }()
	return execProcessWide(path, argv, env, attr, &undo)
}

// execSignals sets what attr says of signals for the new image: SIGPIPE
// and SIGXFSZ to SIG_DFL if the process ignores them (RestoreSignals),
// IgnoreSignals to SIG_IGN. Signal dispositions belong to the process;
// each old one is put back by undo.
func execSignals(attr *ExecAttr, undo *undoList) error {
	set := func(sig syscall.Signal, handler uintptr, onlyIfIgnored bool) error {
		var old, act sigactionBuf
		if err := rtSigaction(sig, nil, &old); err != nil {
			return os.NewSyscallError("sigaction", err)
		}
		if onlyIfIgnored && old.handler() != 1 { // SIG_IGN
			return nil
		}
		act.setHandler(handler)
		if err := rtSigaction(sig, &act, nil); err != nil {
			return os.NewSyscallError("sigaction", err)
		}
		undo.add(func() { rtSigaction(sig, &old, nil) })
		return nil
	}
	if attr.RestoreSignals {
		for _, sig := range []syscall.Signal{syscall.SIGPIPE, syscall.SIGXFSZ} {
			if err := set(sig, 0, true); err != nil { // SIG_DFL
				return err
			}
		}
	}
	for _, sig := range attr.IgnoreSignals {
		if err := set(sig, 1, false); err != nil {
			return err
		}
	}
	return nil
}

// sigactionBuf holds a kernel struct sigaction, whatever the
// architecture's layout: room enough, and only the handler is read or
// set (sigHandlerOff).
type sigactionBuf [8]uint64

func (b *sigactionBuf) handler() uintptr {
	return *(*uintptr)(unsafe.Add(unsafe.Pointer(b), sigHandlerOff))
}

func (b *sigactionBuf) setHandler(h uintptr) {
	*(*uintptr)(unsafe.Add(unsafe.Pointer(b), sigHandlerOff)) = h
}

func rtSigaction(sig syscall.Signal, act, old *sigactionBuf) error {
	_, _, errno := syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), sigsetSize, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// execCredential changes the process's IDs as c says: groups, then the
// group, then the user, each while it still may. The saved IDs are kept
// (setres[ug]id with -1), so that undo can go back to the old ones after a
// failed exec; a successful exec sets them to the new effective IDs.
func execCredential(c *Credential, undo *undoList) error {
	if c == nil {
		return nil
	}
	if c.SetGroups {
		old, err := unix.Getgroups()
		if err != nil {
			return os.NewSyscallError("getgroups", err)
		}
		groups := make([]int, len(c.Groups))
		for i, g := range c.Groups {
			groups[i] = int(g)
		}
		if err := syscall.Setgroups(groups); err != nil {
			return os.NewSyscallError("setgroups", err)
		}
		undo.add(func() { syscall.Setgroups(old) })
	}
	if c.SetGid {
		r, e, s := unix.Getresgid()
		if err := syscall.Setresgid(int(c.Gid), int(c.Gid), -1); err != nil {
			return os.NewSyscallError("setgid", err)
		}
		undo.add(func() { syscall.Setresgid(r, e, s) })
	}
	if c.SetUid {
		r, e, s := unix.Getresuid()
		if err := syscall.Setresuid(int(c.Uid), int(c.Uid), -1); err != nil {
			return os.NewSyscallError("setuid", err)
		}
		undo.add(func() { syscall.Setresuid(r, e, s) })
	}
	return nil
}
