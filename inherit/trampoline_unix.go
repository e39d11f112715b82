//go:build unix

// This file implements the fallback spawn path's trampoline, for the
// options syscall.ForkExec cannot apply in its child (umask, rlimits,
// signal dispositions, a variable holding the child's pid): the child
// execs the current executable again with a marker as argv[0], and that
// process, before any other part of the program runs (this package's
// init), applies them to itself and execs the real program, with every
// descriptor at the number the child was given. The parent never changes
// its own umask, limits or signals around the fork, which other
// goroutines would see.
//
// The trampoline reports a failure through a close-on-exec pipe, as
// syscall.ForkExec's child does: nothing at the exec of the real program,
// else the step and its errno, so the parent returns the real program's
// exec errno and reaps the trampoline. Only when one of those options is
// given on the fallback path is it used: the default path costs nothing.

package inherit

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// trampolineArg0 marks a process started as the trampoline, and
// trampolineVersion the layout of its arguments.
const (
	trampolineArg0    = "safesh-spawn-trampoline"
	trampolineVersion = "1"
)

// The steps a trampoline can fail at, as it reports them.
const (
	tStepExec = iota + 1
	tStepSetrlimit
	tStepSignals
	tStepSetgroups
	tStepSetgid
	tStepSetuid
	tStepPdeathsig
	tStepArgs
	tStepPrivileged
)

var tStepNames = [...]string{tStepExec: "exec", tStepSetrlimit: "setrlimit", tStepSignals: "restore_signals",
	tStepSetgroups: "setgroups", tStepSetgid: "setgid", tStepSetuid: "setuid", tStepPdeathsig: "pdeathsig",
	tStepArgs: "spawn trampoline", tStepPrivileged: "spawn trampoline in a privileged executable"}

func init() {
	if len(os.Args) > 1 && os.Args[0] == trampolineArg0 && os.Args[1] == trampolineVersion {
		os.Exit(runTrampoline(os.Args[2:]))
	}
}

// needTrampoline reports whether a fallback spawn of attr needs the
// trampoline: options syscall.ForkExec cannot apply.
func needTrampoline(attr *ProcAttr) bool {
	if attr.Umask != nil || len(attr.Rlimits) > 0 || attr.PidEnv != "" {
		return true
	}
	if attr.RestoreSignals && (processIgnores(syscall.SIGPIPE) || processIgnores(syscall.SIGXFSZ)) {
		return true
	}
	for _, sig := range attr.IgnoreSignals {
		if !processIgnores(sig) {
			return true
		}
	}
	return false
}

// trampolineSettings encodes what the trampoline is to apply.
func trampolineSettings(attr *ProcAttr, errfd int, closeStd []int, inTrampoline bool) string {
	var b strings.Builder
	field := func(k, v string) { fmt.Fprintf(&b, "%s=%s;", k, v) }
	field("errfd", strconv.Itoa(errfd))
	if len(closeStd) > 0 {
		field("close", joinInts(closeStd))
	}
	if attr.Umask != nil {
		field("umask", strconv.Itoa(*attr.Umask))
	}
	if len(attr.Rlimits) > 0 {
		var rs []string
		for _, r := range attr.Rlimits {
			rs = append(rs, fmt.Sprintf("%d:%d:%d", r.Resource, r.Cur, r.Max))
		}
		field("rlim", strings.Join(rs, ","))
	}
	// What the new program ignores: what the process ignores (as
	// syscall.ForkExec's child keeps it), but SIGPIPE and SIGXFSZ with
	// RestoreSignals, and IgnoreSignals. The trampoline's Go runtime has
	// replaced the rest of what it inherited ignored with its handlers,
	// which the exec resets to the default.
	var ign []int
	for sig := syscall.Signal(1); sig < maxSignal; sig++ {
		restored := attr.RestoreSignals && (sig == syscall.SIGPIPE || sig == syscall.SIGXFSZ)
		if !restored && processIgnores(sig) {
			ign = append(ign, int(sig))
		}
	}
	for _, sig := range attr.IgnoreSignals {
		ign = append(ign, int(sig))
	}
	if len(ign) > 0 {
		field("ign", joinInts(ign))
	}
	if attr.PidEnv != "" {
		field("pidenv", attr.PidEnv)
	}
	if c := attr.Credential; c != nil && inTrampoline {
		if c.SetGroups {
			gs := make([]int, len(c.Groups))
			for i, g := range c.Groups {
				gs[i] = int(g)
			}
			field("groups", joinInts(gs))
		}
		if c.SetGid {
			field("gid", strconv.FormatUint(uint64(c.Gid), 10))
		}
		if c.SetUid {
			field("uid", strconv.FormatUint(uint64(c.Uid), 10))
		}
	}
	if attr.Pdeathsig != 0 && inTrampoline && trampolinePdeathsig {
		field("pdeath", strconv.Itoa(int(attr.Pdeathsig)))
		field("ppid", strconv.Itoa(os.Getpid()))
	}
	return b.String()
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// startTrampoline starts the child through the trampoline, on the
// fallback path: syscall.ForkExec gives the trampoline the child's
// descriptors (files, as startForkExec maps them) and the write end of an
// error pipe above them, its session and group; the trampoline applies
// the rest. The credentials move into the trampoline too, after the
// limits (raising one needs the privilege the new IDs may lack), and
// with them the parent-death signal, which a change of IDs clears.
func startTrampoline(path string, argv []string, attr *ProcAttr, files []uintptr) (*Process, error) {
	self, err := selfExecutable()
	if err != nil {
		return nil, os.NewSyscallError("spawn trampoline", err)
	}
	errR, errW, err := Pipe()
	if err != nil {
		return nil, err
	}
	defer unix.Close(errR)
	errfd := len(files)
	files = append(files, uintptr(errW))
	// A standard slot the child is to have closed: the trampoline's
	// runtime opens /dev/null there, which the trampoline closes again.
	var closeStd []int
	for i := 0; i < 3 && i < len(files); i++ {
		if files[i] == ^uintptr(0) {
			closeStd = append(closeStd, i)
		}
	}
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	if attr.PidEnv != "" {
		env = withoutVar(env, attr.PidEnv)
	}
	targv := make([]string, 0, 5+len(argv)+len(env))
	targv = append(targv, trampolineArg0, trampolineVersion, trampolineSettings(attr, errfd, closeStd, true),
		path, strconv.Itoa(len(argv)))
	targv = append(targv, argv...)
	targv = append(targv, env...)

	p := &Process{pidfd: -1, doneR: -1, doneW: -1}
	tattr := *attr
	tattr.Credential = nil
	if trampolinePdeathsig {
		tattr.Pdeathsig = 0
	}
	sys := sysProcAttr(&tattr, &p.pidfd)
	pid, err := syscall.ForkExec(self, targv, &syscall.ProcAttr{Dir: attr.Dir, Env: []string{}, Files: files, Sys: sys})
	unix.Close(errW)
	if err != nil {
		return nil, execError(path, attr.Dir, err)
	}
	p.Pid = pid
	var report [8]byte
	n, err := ignoringEINTR2(func() (int, error) { return unix.Read(errR, report[:]) })
	if err == nil && n == 0 {
		return p, nil // the real program has replaced the trampoline
	}
	// The trampoline failed (or the read did): it exits, and is reaped.
	var ws unix.WaitStatus
	wait4(pid, &ws, 0)
	p.Release()
	if err != nil {
		return nil, os.NewSyscallError("spawn trampoline", err)
	}
	if n != len(report) {
		return nil, os.NewSyscallError("spawn trampoline", syscall.EPIPE)
	}
	step := binary.LittleEndian.Uint32(report[:4])
	errno := syscall.Errno(binary.LittleEndian.Uint32(report[4:]))
	switch step {
	case tStepExec:
		return nil, &fs.PathError{Op: "exec", Path: path, Err: errno}
	}
	name := "spawn"
	if step < uint32(len(tStepNames)) {
		name = tStepNames[step]
	}
	return nil, os.NewSyscallError(name, errno)
}

// withoutVar returns env without the variable name.
func withoutVar(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// runTrampoline is the trampoline: args are what startTrampoline passed
// after the marker. It returns only on failure, with the exit status.
func runTrampoline(args []string) int {
	if len(args) < 3 {
		fmt.Fprintln(os.Stderr, "safesh: bad spawn trampoline arguments")
		return 127
	}
	settings := map[string]string{}
	for _, kv := range strings.Split(args[0], ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			settings[k] = v
		}
	}
	errfd, err := strconv.Atoi(settings["errfd"])
	nargv, err2 := strconv.Atoi(args[2])
	if err != nil || err2 != nil || nargv < 0 || 3+nargv > len(args) {
		fmt.Fprintln(os.Stderr, "safesh: bad spawn trampoline arguments")
		return 127
	}
	unix.CloseOnExec(errfd)
	path, argv, env := args[1], args[3:3+nargv], args[3+nargv:]
	fail := func(step int, err error) int {
		errno, ok := err.(syscall.Errno)
		if !ok {
			errno = syscall.EINVAL
		}
		var report [8]byte
		binary.LittleEndian.PutUint32(report[:4], uint32(step))
		binary.LittleEndian.PutUint32(report[4:], uint32(errno))
		unix.Write(errfd, report[:])
		return 127
	}
	ints := func(key string) ([]int, error) {
		v, ok := settings[key]
		if !ok || v == "" {
			return nil, nil
		}
		var out []int
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				return nil, syscall.EINVAL
			}
			out = append(out, n)
		}
		return out, nil
	}

	// Anyone may run an executable with the trampoline's argv[0]: one that
	// the kernel runs with privileges its caller lacks (setuid, setgid,
	// file capabilities) must not become a way to run any program with
	// them, and IDs of the caller's choice.
	if privilegedExec() {
		fmt.Fprintln(os.Stderr, "safesh: the spawn trampoline refuses to run in an executable with privileges of its own (setuid, setgid or file capabilities)")
		return fail(tStepPrivileged, syscall.EPERM)
	}
	closeStd, err := ints("close")
	if err != nil {
		return fail(tStepArgs, err)
	}
	for _, fd := range closeStd {
		unix.Close(fd) // the runtime's /dev/null
	}
	if v, ok := settings["umask"]; ok {
		mask, err := strconv.Atoi(v)
		if err != nil {
			return fail(tStepArgs, syscall.EINVAL)
		}
		unix.Umask(mask)
	}
	if v := settings["rlim"]; v != "" {
		for _, f := range strings.Split(v, ",") {
			var r Rlimit
			if _, err := fmt.Sscanf(f, "%d:%d:%d", &r.Resource, &r.Cur, &r.Max); err != nil {
				return fail(tStepArgs, syscall.EINVAL)
			}
			lim := unixRlimit(r)
			if err := unix.Setrlimit(r.Resource, &lim); err != nil {
				return fail(tStepSetrlimit, err)
			}
		}
	}
	ign, err := ints("ign")
	if err != nil {
		return fail(tStepArgs, err)
	}
	for _, sig := range ign {
		if err := ignoreSignal(syscall.Signal(sig)); err != nil {
			return fail(tStepSignals, err)
		}
	}
	if name := settings["pidenv"]; name != "" {
		env = append(env, name+"="+strconv.Itoa(os.Getpid()))
	}
	if _, ok := settings["groups"]; ok {
		groups, err := ints("groups")
		if err != nil {
			return fail(tStepArgs, err)
		}
		if err := syscall.Setgroups(groups); err != nil {
			return fail(tStepSetgroups, err)
		}
	}
	if v, ok := settings["gid"]; ok {
		gid, _ := strconv.Atoi(v)
		if err := syscall.Setgid(gid); err != nil {
			return fail(tStepSetgid, err)
		}
	}
	if v, ok := settings["uid"]; ok {
		uid, _ := strconv.Atoi(v)
		if err := syscall.Setuid(uid); err != nil {
			return fail(tStepSetuid, err)
		}
	}
	// The parent-death signal belongs to the thread that execs: set it
	// and exec from one.
	runtime.LockOSThread()
	if v, ok := settings["pdeath"]; ok {
		sig, _ := strconv.Atoi(v)
		ppid, _ := strconv.Atoi(settings["ppid"])
		if err := setOwnPdeathsig(syscall.Signal(sig), ppid); err != nil {
			return fail(tStepPdeathsig, err)
		}
	}
	err = syscall.Exec(path, argv, env)
	return fail(tStepExec, err)
}

// selfExecutable is the program to re-execute as the trampoline.
func selfExecutable() (string, error) {
	if runtime.GOOS == "linux" {
		if _, err := os.Stat("/proc/self/exe"); err == nil {
			return "/proc/self/exe", nil
		}
	}
	return os.Executable()
}
