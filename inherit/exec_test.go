//go:build linux

package inherit_test

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// processState is what a failed Exec must leave as it was.
func processState(t *testing.T) string {
	t.Helper()
	mask := unix.Umask(0o22)
	unix.Umask(mask)
	wd, _ := os.Getwd()
	limits, _ := os.ReadFile("/proc/self/limits")
	status, _ := os.ReadFile("/proc/self/status")
	var sigign string
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "SigIgn:") {
			sigign = l
		}
	}
	infos, err := inherit.ListFds()
	if err != nil {
		t.Fatal(err)
	}
	var fds []string
	for _, info := range infos {
		target, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(info.Fd))
		fds = append(fds, strconv.Itoa(info.Fd)+":"+boolString(info.Inheritable)+":"+target)
	}
	slices.Sort(fds)
	return strings.Join([]string{strconv.Itoa(mask), wd, string(limits), sigign, strings.Join(fds, " ")}, "\n")
}

func boolString(b bool) string {
	if b {
		return "inh"
	}
	return "cloexec"
}

// TestExecFailureRestores runs a failing Exec with every option, in this
// process, on the private-thread path and on the shared one, and checks
// that nothing of the process changed.
func TestExecFailureRestores(t *testing.T) {
	for _, shared := range []bool{false, true} {
		name := "private"
		if shared {
			name = "shared"
		}
		t.Run(name, func(t *testing.T) {
			defer inherit.SetExecShared(shared)()
			r, w, _ := inherit.Pipe()
			defer unix.Close(r)
			defer unix.Close(w)
			free := 200
			for {
				if _, err := unix.FcntlInt(uintptr(free), unix.F_GETFD, 0); err != nil {
					break
				}
				free++
			}
			fds := map[int]int{free: r}
			if !shared {
				fds[3] = w // in use here: the private table's alone
			}
			mask := 0o77
			before := processState(t)
			err := inherit.Exec("/nonexistent/prog", []string{"prog"}, &inherit.ExecAttr{
				Dir: "/", Umask: &mask, Fds: fds, PassFds: []int{w},
				Rlimits:        []inherit.Rlimit{{Resource: unix.RLIMIT_CORE, Cur: 0, Max: 0}, {Resource: unix.RLIMIT_NOFILE, Cur: 100, Max: 200}},
				RestoreSignals: true, IgnoreSignals: []syscall.Signal{syscall.SIGUSR2},
			})
			if !errors.Is(err, syscall.ENOENT) {
				t.Fatalf("Exec = %v; want ENOENT", err)
			}
			if after := processState(t); after != before {
				t.Fatalf("the process changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	// The shared path moves only to a free number.
	defer inherit.SetExecShared(true)()
	err := inherit.Exec("/bin/true", nil, &inherit.ExecAttr{Fds: map[int]int{1: 0}})
	if !errors.Is(err, syscall.EINVAL) {
		t.Errorf("fds below 3: %v; want EINVAL", err)
	}
	r, w, _ := inherit.Pipe()
	defer unix.Close(r)
	defer unix.Close(w)
	err = inherit.Exec("/bin/true", nil, &inherit.ExecAttr{Fds: map[int]int{w: r}})
	if !errors.Is(err, syscall.EBUSY) {
		t.Errorf("shared path, a number in use: %v; want EBUSY", err)
	}
}
