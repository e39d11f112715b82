//go:build unix

package inherit

import "golang.org/x/sys/unix"

// ReapPid reaps pid, a child of the process that is no Process (an orphan
// it adopted as a subreaper), if it has exited, or once it exits when
// wait is set. It reports whether pid is reaped, or was no child of the
// process (ECHILD).
func ReapPid(pid int, wait bool) bool {
	opts := unix.WNOHANG
	if wait {
		opts = 0
	}
	var ws unix.WaitStatus
	got, err := wait4(pid, &ws, opts)
	return err != nil || got == pid
}
