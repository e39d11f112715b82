//go:build linux

package bench

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// A SpawnWorkload is a Workload that starts processes: it runs at most N
// times per round, whatever the -n of the comparison.
type SpawnWorkload struct {
	Workload
	N int
}

// SpawnWorkloads compare starting and waiting for /bin/true, with few or
// many open descriptors, passing a low or a high one at its number:
// safesh's subprocess.Popen, CPython's subprocess.Popen, and Go's
// syscall.ForkExec keeping the number the only way it can (mapping every
// lower number explicitly).
var SpawnWorkloads = []SpawnWorkload{
	spawnWorkload(0, false, false),
	spawnWorkload(0, true, false),
	spawnWorkload(10000, false, false),
	spawnWorkload(10000, true, false),
	spawnWorkload(0, false, true),
	spawnWorkload(0, true, true),
	spawnWorkload(10000, false, true),
	spawnWorkload(10000, true, true),
}

// spawnWorkload is the spawn comparison with open more descriptors
// open, passing a high or a low one; with fd3 the child also gets a
// socket as its fd 3 (fds = {[3] = sock} in safesh; CPython, which has no
// such option, passes the socket at its own number in pass_fds, the
// nearest it comes without a preexec_fn).
func spawnWorkload(open int, high, fd3 bool) SpawnWorkload {
	fdName := "a low fd"
	if high {
		fdName = "fd 10010"
	}
	name := fmt.Sprintf("spawn+wait, %d fds, pass %s", open+3, fdName)
	luaFds, pyFds, goFd3 := "", "", -1
	if fd3 {
		name += ", sock as fd 3"
		luaFds = `, fds = {[3] = (require("socket").socketpair())}`
		pyFds = `, sock_.fileno()`
	}
	// The descriptor passed is the lowest free one (7 in a fresh process,
	// but a benchmark process has more open), or 10010, above the others.
	// The benchmark runs in-process, so it never reuses a number that is
	// already open: that could be the Go runtime's own.
	luaPass := `os.dup(0)`
	pyPass := `os.dup(0)`
	if high {
		luaPass = `os.dup2(0, 10010, false)`
		pyPass = `10010; os.dup2(0, 10010, inheritable=False)`
	}
	luaSetup := fmt.Sprintf(`
		local sp = require("subprocess")
		local pass = %s
		local keep = {}
		for i = 1, %d do keep[i] = os.dup(0) end
		local opts = {pass_fds = {pass}%s}
		local argv = {"/bin/true"}`, luaPass, open, luaFds)
	pySetup := fmt.Sprintf(`import subprocess, socket
    pass_ = %s
    keep = [os.dup(0) for _ in range(%d)]
    sock_, sock2_ = socket.socketpair()
    pfds = [pass_%s]
    argv = ["/bin/true"]`, pyPass, open, pyFds)
	return SpawnWorkload{N: 2000, Workload: Workload{
		Name: name,
		Go: func(n int, dir string) error {
			var keep []int
			defer func() {
				for _, fd := range keep {
					unix.Close(fd)
				}
			}()
			pass, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 0)
			if err != nil {
				return err
			}
			keep = append(keep, pass)
			if high {
				if pass, err = unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 10010); err != nil {
					return err
				}
				keep = append(keep, pass)
			}
			for range open {
				fd, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 0)
				if err != nil {
					return err
				}
				keep = append(keep, fd)
			}
			files := make([]uintptr, pass+1)
			for i := range files {
				files[i] = ^uintptr(0)
			}
			files[0], files[1], files[2], files[pass] = 0, 1, 2, uintptr(pass)
			if fd3 {
				fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				keep = append(keep, fds[0], fds[1])
				goFd3 = fds[0]
				files[3] = uintptr(goFd3)
			}
			for range n {
				pid, err := syscall.ForkExec("/bin/true", []string{"/bin/true"}, &syscall.ProcAttr{Files: files})
				if err != nil {
					return err
				}
				var ws syscall.WaitStatus
				if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
					return err
				}
			}
			return nil
		},
		LuaSetup: luaSetup,
		Lua:      `sp.Popen(argv, opts):wait()`,
		PySetup:  pySetup,
		Py:       `subprocess.Popen(argv, pass_fds=pfds).wait()`,
	}}
}

// CommunicateBytes is how much the communicate workload reads.
const CommunicateBytes = 1 << 30

// CommunicateWorkload reads 1 GiB from a child through communicate: one
// iteration is the whole transfer. The child is dd writing 1 MiB blocks,
// so that the reader is what is measured.
var CommunicateWorkload = Workload{
	Name:     "communicate 1GiB",
	LuaSetup: `local sp = require("subprocess") local argv = {"dd", "if=/dev/zero", "bs=1M", "count=1024", "status=none"} local opts = {stdout = sp.PIPE}`,
	Lua:      `local out = sp.Popen(argv, opts):communicate() assert(#out == 1073741824)`,
	PySetup:  `import subprocess; argv = ["dd", "if=/dev/zero", "bs=1M", "count=1024", "status=none"]`,
	Py:       `out = subprocess.Popen(argv, stdout=subprocess.PIPE).communicate()[0]; assert len(out) == 1073741824; del out`,
}
