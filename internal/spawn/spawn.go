// Package spawn is the one way a script starts a child: subprocess's
// Popen, run, call and pipeline, io.popen and os.execute all go through
// Start, so that each of them checks the program against the policy,
// flushes the script's output first, gives the child the environment the
// policy allows, relays the runtime's standard streams when they are an
// embedding host's Go readers and writers, and records the child so that
// a cancelled chunk or a closed runtime kills and reaps it.
//
// The descriptors themselves are inherit.StartProcess's business: a child
// gets its standard streams and the pass descriptors, and nothing else.
package spawn

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/state"
)

// Redirect says what one of a child's standard descriptors becomes.
type Redirect int

const (
	// Inherit gives the child the runtime's own stream: its descriptor,
	// or a pipe relayed to or from the host's io.Reader or io.Writer.
	Inherit Redirect = iota
	// Pipe gives the child one end of a new pipe and the caller the other
	// (Child.Pipes).
	Pipe
	// DevNull gives the child /dev/null.
	DevNull
	// Stdout gives the child's standard error what its standard output
	// gets (stderr only).
	Stdout
	// Fd gives the child the descriptor in Spec.Fds.
	Fd
)

// Spec is a child to start.
type Spec struct {
	// Argv is the command. Argv[0] names the program, looked up on the
	// PATH of Env (or of the process) when it has no slash, unless
	// Program is set.
	Argv []string
	// Program is the program to run, when it is not what Argv[0] names
	// (C's system runs /bin/sh as "sh").
	Program string
	// Stdio says what the child's descriptors 0, 1 and 2 become, and Fds
	// the descriptors for Fd.
	Stdio [3]Redirect
	Fds   [3]int
	// PassFds are given to the child at their numbers (pass_fds).
	PassFds []int
	// ChildFds gives the child more descriptors at chosen numbers (fds):
	// ChildFds[n] is the parent descriptor that becomes the child's n,
	// for n >= 3. The moves are made in the child only, so any
	// permutation works, numbers the parent uses itself included, and
	// they win over PassFds at the same number.
	ChildFds map[int]int
	// ListenFds are sockets for socket activation (listen_fds): the
	// child gets them as 3, 4, ..., with LISTEN_FDS, LISTEN_FDNAMES and
	// LISTEN_PID (its own pid, written in the child) in its environment.
	ListenFds []ListenFd
	// InheritFds also gives it every inheritable descriptor
	// (close_fds = false) that the policy lets it have: in a restricted
	// runtime, only the runtime's own (policy.Policy.InheritedFds).
	InheritFds bool
	// Dir is the child's working directory; "" keeps the parent's.
	Dir string
	// Env is the environment asked for; nil: the process's own. The
	// policy may take variables out (policy.Policy.ChildEnv).
	Env []string
	// NewSession starts the child in a new session, and so a new
	// process group, which Kill then kills whole.
	NewSession bool
	// ProcessGroup puts the child in a process group (process_group): its
	// own when *ProcessGroup is 0, else the existing group of that id.
	ProcessGroup *int
	// Umask, when set, is the child's umask (umask).
	Umask *int
	// Rlimits are resource limits for the child only (rlimits), each
	// named as RlimitNames has it; the policy may refuse one
	// (policy.Policy.ChildRlimit).
	Rlimits []NamedRlimit
	// Pdeathsig is the signal the child gets when the thread that started
	// it dies (pdeathsig), or 0.
	Pdeathsig syscall.Signal
	// KeepSignals leaves SIGPIPE and SIGXFSZ ignored in the child if the
	// process ignores them (restore_signals = false); by default they are
	// reset to their default action.
	KeepSignals bool
	// User, Group and ExtraGroups (when SetExtraGroups) are who the child
	// runs as: names or decimal IDs, resolved in the parent (user, group,
	// extra_groups); "" leaves the user or group as it is. See
	// credential for the defaults a privileged parent gets.
	User, Group    string
	ExtraGroups    []string
	SetExtraGroups bool
}

// NamedRlimit is a limit of Spec.Rlimits, with the name the script gave.
type NamedRlimit struct {
	Name string
	inherit.Rlimit
}

// ListenFd is one socket of Spec.ListenFds, and the name the child sees
// in LISTEN_FDNAMES ("" for systemd's "unknown").
type ListenFd struct {
	Fd   int
	Name string
}

// Child is a child started by Start.
type Child struct {
	// Pid is the child's process ID.
	Pid int
	// Pipes are the parent's ends of the Pipe redirections, or -1. They
	// are the caller's to own and close.
	Pipes [3]int

	st      *state.State
	p       *inherit.Process
	relays  []*relay
	session bool
	done    bool
	status  inherit.ExitStatus

	interrupt error // signalled: the child's death interrupted the chunk
}

// Start starts the child s describes. On failure nothing is left behind:
// no child, no descriptor, no relay.
func Start(st *state.State, s *Spec) (*Child, error) {
	if dir := st.Policy.ChildDir(s.Dir); dir != s.Dir {
		sc := *s
		sc.Dir = dir
		s = &sc
	}
	path, err := program(st, s)
	if err != nil {
		return nil, err
	}
	cred, rlimits, err := imageOptions(st, s)
	if err != nil {
		return nil, err
	}
	if err := st.ReserveChild(); err != nil {
		return nil, err
	}
	// A child that leads a group of its own is killed with its group.
	ownGroup := s.NewSession || (s.ProcessGroup != nil && *s.ProcessGroup == 0)
	c := &Child{Pipes: [3]int{-1, -1, -1}, st: st, session: ownGroup}
	var files [3]int
	var temp []int // closed after the spawn, whatever happens
	closeTemp := func() {
		for _, fd := range temp {
			inherit.Close(fd)
		}
	}
	fail := func(err error) (*Child, error) {
		closeTemp()
		for _, fd := range c.Pipes {
			if fd >= 0 {
				inherit.Close(fd)
			}
		}
		for _, r := range c.relays {
			r.abandon()
		}
		return nil, err
	}
	for i := range 3 {
		switch s.Stdio[i] {
		case Inherit:
			std := st.Stdio[i]
			if std.Fd == i {
				// The process's own slot: handed over only when it is the
				// script's to pass, an inheritable descriptor. A slot the
				// script closed, or that a close-on-exec descriptor of
				// safesh's (a pipe, a file) merely landed on, is closed in
				// the child, as in CPython.
				files[i] = -1
				if inh, err := inherit.Inheritable(i); err == nil && inh {
					files[i] = i
				}
				break
			}
			if std.Fd >= 0 {
				files[i] = std.Fd
				break
			}
			r, err := newRelay(i, std.Stream)
			if err != nil {
				return fail(err)
			}
			c.relays = append(c.relays, r) // both ends closed by abandon on failure
			files[i] = r.childFd
		case Pipe:
			r, w, err := inherit.Pipe()
			if err != nil {
				return fail(err)
			}
			if i == 0 {
				files[i], c.Pipes[i] = r, w
				temp = append(temp, r)
			} else {
				files[i], c.Pipes[i] = w, r
				temp = append(temp, w)
			}
		case DevNull:
			flag := os.O_WRONLY
			if i == 0 {
				flag = os.O_RDONLY
			}
			fd, err := inherit.Open(os.DevNull, flag, 0)
			if err != nil {
				return fail(err)
			}
			files[i] = fd
			temp = append(temp, fd)
		case Stdout:
			files[i] = files[1]
		case Fd:
			files[i] = s.Fds[i]
		}
	}
	st.FlushStdout()
	pass, inheritAll := passFds(st, s)
	env, childFds, pidEnv := activation(st.Policy.ChildEnv(s.Env), s)
	p, err := inherit.StartProcess(path.exec, s.Argv, &inherit.ProcAttr{
		Dir:        s.Dir,
		Env:        env,
		PidEnv:     pidEnv,
		Files:      childFiles(files, childFds, pass),
		PassFds:    pass,
		InheritFds: inheritAll,
		Setsid:     s.NewSession,
		Setpgid:    s.ProcessGroup != nil,
		Pgid:       pgid(s.ProcessGroup),

		Umask:          s.Umask,
		Rlimits:        rlimits,
		Pdeathsig:      s.Pdeathsig,
		RestoreSignals: !s.KeepSignals,
		IgnoreSignals:  keptIgnored(st, s),
		Credential:     cred,
	})
	if err != nil {
		return fail(path.named(err))
	}
	closeTemp()
	for _, r := range c.relays {
		inherit.Close(r.childFd) // the child has its copy
		r.start()
		if r.writer != nil {
			// An output relay ends at the end of file, once the child and
			// what it started have exited; an input relay ends when the
			// host's reader returns, which Close does not wait for.
			st.TrackRelay(r.done)
		}
	}
	c.p, c.Pid = p, p.Pid
	st.AddChild(p, ownGroup)
	return c, nil
}

// activation adds socket activation's descriptors and variables to a
// child's (s.ListenFds), over any the environment has already.
func activation(env []string, s *Spec) ([]string, map[int]int, string) {
	if len(s.ListenFds) == 0 {
		return env, s.ChildFds, ""
	}
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if name != "LISTEN_FDS" && name != "LISTEN_FDNAMES" && name != "LISTEN_PID" {
			out = append(out, kv)
		}
	}
	fds := make(map[int]int, len(s.ChildFds)+len(s.ListenFds))
	for k, v := range s.ChildFds {
		fds[k] = v
	}
	names := make([]string, len(s.ListenFds))
	for i, l := range s.ListenFds {
		fds[3+i] = l.Fd
		names[i] = l.Name
		if names[i] == "" {
			names[i] = "unknown"
		}
	}
	out = append(out, "LISTEN_FDS="+strconv.Itoa(len(s.ListenFds)), "LISTEN_FDNAMES="+strings.Join(names, ":"))
	return out, fds, "LISTEN_PID"
}

func pgid(g *int) int {
	if g == nil {
		return 0
	}
	return *g
}

// childFiles returns the child's descriptor table from 0 up to the
// highest number of fds: the standard ones, then fds's, then the pass
// descriptors that fall below that number at their own, and -1 (closed)
// for the rest.
func childFiles(std [3]int, fds map[int]int, pass []int) []int {
	if len(fds) == 0 {
		return std[:]
	}
	n := 3
	for k := range fds {
		n = max(n, k+1)
	}
	files := make([]int, n)
	copy(files, std[:])
	for i := 3; i < n; i++ {
		files[i] = -1
	}
	for _, fd := range pass {
		if fd >= 3 && fd < n {
			files[fd] = fd
		}
	}
	for k, fd := range fds {
		if k >= 3 {
			files[k] = fd
		}
	}
	return files
}

// programPath is the program a child runs: the absolute path that is
// checked and executed, and the name the script's PATH lookup gave, which
// errors show.
type programPath struct {
	exec, name string
}

// program finds the program of s, as the child will see it, and checks
// it against the policy. It is found once, from the child's directory, and
// made absolute: the path that is checked is the path that is executed.
func program(st *state.State, s *Spec) (programPath, error) {
	file := s.Program
	if file == "" && len(s.Argv) > 0 {
		file = s.Argv[0]
	}
	name, err := inherit.LookPath(file, s.Env, s.Dir)
	if err != nil {
		// A program the policy refuses is refused as such, found or not:
		// a restricted script must not learn from the lookup which files
		// exist outside its grants.
		if perr := st.Policy.Program(file); perr != nil {
			return programPath{}, perr
		}
		return programPath{}, err
	}
	abs := name
	if !filepath.IsAbs(abs) {
		dir := s.Dir
		if dir == "" || !filepath.IsAbs(dir) {
			wd, err := os.Getwd()
			if err != nil {
				return programPath{}, &fs.PathError{Op: "exec", Path: name, Err: err}
			}
			dir = filepath.Join(wd, dir)
		}
		abs = filepath.Join(dir, abs)
	}
	if err := st.Policy.Program(abs); err != nil {
		return programPath{}, err
	}
	return programPath{exec: abs, name: name}, nil
}

// named reports an exec error under the name the script knows the
// program by.
func (p programPath) named(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "exec" && pe.Path == p.exec {
		return &fs.PathError{Op: "exec", Path: p.name, Err: pe.Err}
	}
	return err
}

// Abandon tells the runtime that no script object refers to the child
// any more (a Go cleanup calls it, on any goroutine): it is reaped once
// it has exited, without waiting for it, so that a script that drops its
// processes unwaited leaves no zombie and no descriptor behind (see
// state.State.ReleaseDropped).
func (c *Child) Abandon() {
	if c.p != nil {
		c.st.DropChild(c.p)
	}
}

// Status returns how the child ended, and whether it has been reaped.
func (c *Child) Status() (inherit.ExitStatus, bool) { return c.status, c.done }

// Wait waits for the child to exit, for at most timeout (negative: no
// limit), interruptibly (luaerr.ErrInterrupted). It returns true once the
// child is reaped, false on timeout; true and luaerr.ErrInterrupted when
// the child died of the session's interrupt signal (signalled).
func (c *Child) Wait(timeout time.Duration) (bool, error) {
	if c.done {
		return true, nil
	}
	defer c.st.WaitForChild()()
	r, err := c.st.WaitProcess(c.p, timeout)
	if err != nil {
		return false, err
	}
	if r == inherit.TimedOut {
		return false, nil
	}
	c.reaped()
	return true, c.interrupt
}

// Poll reaps the child if it has exited, without waiting, and reports
// whether it has, with luaerr.ErrInterrupted as Wait.
func (c *Child) Poll() (bool, error) {
	if c.done {
		return true, nil
	}
	_, done, err := c.p.Poll()
	if err != nil {
		return false, err
	}
	if done {
		c.reaped()
	}
	return done, c.interrupt
}

// reaped records the status of a reaped child, waits until its output
// relays have copied what it wrote, and forgets it.
func (c *Child) reaped() {
	if c.done {
		return
	}
	c.status, _ = c.p.Done()
	c.done = true
	c.signalled()
	for _, r := range c.relays {
		r.settle()
	}
	c.st.RemoveChild(c.p)
}

// Signal sends sig to the child (to its whole group, with group set and a
// new session), unless it has been reaped.
func (c *Child) Signal(sig syscall.Signal, group bool) error {
	if c.done {
		return nil
	}
	if group && c.session {
		return c.p.SignalGroup(sig)
	}
	return c.p.Signal(sig)
}

// SignalTree sends sig to the child and everything it started: to its
// process group when it leads one (start_new_session, process_group = 0),
// which reaches a grandchild that double-forked too; else to it and its
// descendants as /proc shows them, found before any is signalled. Nothing
// is sent once the child has been reaped.
func (c *Child) SignalTree(sig syscall.Signal) error {
	if c.done {
		return nil
	}
	if c.session {
		return c.p.SignalGroup(sig)
	}
	tree := inherit.Descendants(c.Pid)
	// While the child is not reaped its pid is its own, and so are its
	// children's: a child's pid cannot be reused before the child reaps it.
	err := c.p.Signal(sig)
	for _, pid := range tree {
		inherit.SignalPid(pid, sig)
	}
	return err
}

// Kill ends a child that must not outlive its call (a timeout, an
// interruption, a failed pipeline): SIGKILL to its tree (SignalTree), then
// it is reaped, whatever the context says.
func (c *Child) Kill() {
	c.SignalTree(syscall.SIGKILL)
	c.p.Wait(-1, -1)
	c.reaped()
}

// ExitFd returns a descriptor that becomes readable once the child has
// exited, or -1 once it has been reaped (see inherit.Process.ExitFd).
func (c *Child) ExitFd() (int, error) {
	if c.done {
		return -1, nil
	}
	return c.p.ExitFd()
}

// keptIgnored returns the signals the script set to "ignore" when the
// child keeps what the process ignores (restore_signals = false), else nil.
func keptIgnored(st *state.State, s *Spec) []syscall.Signal {
	if !s.KeepSignals {
		return nil
	}
	return st.IgnoredSignals()
}
