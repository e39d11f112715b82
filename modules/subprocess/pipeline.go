package subprocess

import (
	"fmt"
	"slices"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/spawn"
	iomod "github.com/safesh/safesh/modules/io"
	lua "github.com/yuin/gopher-lua"
)

// pipelineOptions are the options pipeline takes: run's, without shell
// (each stage that is a string runs under /bin/sh). wait_delay starts
// once every stage has exited.
var pipelineOptions = slices.DeleteFunc(slices.Clone(runOptions), func(s string) bool { return s == "shell" })

// pipeline implements subprocess.pipeline(list [, opts]): each stage's
// standard output is the next one's standard input, through a pipe that
// joins the two children directly; the runtime holds no inner pipe end
// once the stages have started, so each stage sees end of file as soon as
// the one before it exits. stdin and input apply to the first stage,
// stdout and capture_output's stdout to the last, stderr (and
// capture_output's stderr, one pipe for all) to every stage. check raises
// if any stage failed, as a shell's pipefail. wait_delay bounds how long
// the pipes are read once every stage has exited, as run's does for one
// child.
func (l *lib) pipeline(L *lua.LState) int {
	list := luaargs.CheckTable(L, 1)
	n := list.Len()
	if n == 0 {
		luaargs.ArgError(L, 1, "empty pipeline")
	}
	base, opts := l.parseOpts(L, 2, pipelineOptions)
	e := l.runExtras(L, opts, 2, base)
	defer l.st.WaitForChild()() // from the start, as os.execute
	stages := make([]*spec, n)
	for i := range n {
		s := *base
		s.PassFds = slices.Clone(base.PassFds)
		s.waitDelay = -1 // the pipeline's, below
		s.args = list.RawGetInt(i + 1)
		switch v := s.args.(type) {
		case lua.LString:
			s.Argv = shellArgv(L, 1, string(v))
		case *lua.LTable:
			s.Argv = luaargs.CheckArgv(L, 1, v)
		default:
			luaargs.ArgError(L, 1, fmt.Sprintf("stage %d: table or string expected, got %s", i+1, v.Type()))
		}
		if i > 0 {
			s.Stdio[0] = spawn.Fd // set below
		}
		if i < n-1 {
			s.Stdio[1] = spawn.Fd
		}
		stages[i] = &s
	}

	// One stderr pipe for every stage, when stderr is piped.
	errR, errW := -1, -1
	if base.Stdio[2] == spawn.Pipe {
		var err error
		if errR, errW, err = inherit.Pipe(); err != nil {
			return luaerr.PushError(L, err)
		}
		for _, s := range stages {
			s.Stdio[2], s.Fds[2] = spawn.Fd, errW
		}
	}

	procs := make([]*Proc, 0, n)
	abort := func(err error, prev int) int {
		for _, fd := range []int{prev, errR, errW} {
			if fd >= 0 {
				inherit.Close(fd)
			}
		}
		for _, pr := range procs {
			pr.kill()
		}
		if e.check {
			l.raiseStartError(L, err, list)
		}
		return luaerr.PushError(L, err)
	}
	prev := -1 // the read end of the pipe from the stage before
	for i, s := range stages {
		next := -1
		if i > 0 {
			s.Fds[0] = prev
		}
		if i < n-1 {
			r, w, err := inherit.Pipe()
			if err != nil {
				return abort(err, prev)
			}
			s.Fds[1], next = w, r
		}
		st, err := l.start(s)
		if i < n-1 {
			inherit.Close(s.Fds[1]) // the child has its copy
		}
		if prev >= 0 {
			inherit.Close(prev)
		}
		if err != nil {
			return abort(err, next)
		}
		prev = next
		procs = append(procs, l.newProc(L, s, st).Value.(*Proc))
	}
	if errW >= 0 {
		inherit.Close(errW)
	}

	// One pump over the first stage's stdin, the last one's stdout, and
	// the shared stderr.
	io := &Proc{st: l.st, waitDelay: base.waitDelay}
	for _, pr := range procs {
		io.stages = append(io.stages, pr.Child)
	}
	io.files[0] = procs[0].files[0]
	io.files[1] = procs[n-1].files[1]
	if errR >= 0 {
		io.files[2] = iomod.NewFile(L, errR, "pipeline stderr", true, false)
	}
	left := remaining(e.timeout)
	ok, err := io.pump(e.input, left)
	timedOut := !ok
	// The stages are killed as run kills its child, but their pipes are
	// the pipeline's: read (for wait_delay after a timeout) and closed by
	// its pump.
	for _, pr := range procs {
		if err != nil || timedOut {
			pr.Kill()
			continue
		}
		if done, werr := pr.Wait(left()); werr != nil || !done {
			err, timedOut = werr, err == nil && werr == nil
			pr.Kill()
		}
	}
	if timedOut || err != nil {
		if err == nil && io.waitDelay > 0 {
			io.pump(nil, remaining(io.waitDelay))
		}
		io.drain()
	}
	if err != nil {
		return luaerr.PushError(L, err)
	}

	rcs := L.CreateTable(n, 0)
	failed := 0
	for i, pr := range procs {
		rcs.RawSetInt(i+1, pr.returncode())
		if pr.rc() != 0 && failed == 0 {
			failed = i + 1
		}
	}
	stdout := take(&io.out, io.files[1] != nil)
	stderr := take(&io.errOut, io.files[2] != nil)
	if timedOut {
		res := &result{pr: procs[n-1], stdout: stdout, stderr: stderr}
		t := l.timeoutError(L, list, e.timeout, res)
		t.RawSetString("returncodes", rcs)
		l.raise(L, t)
	}
	if e.check && failed > 0 {
		pr := procs[failed-1]
		msg := fmt.Sprintf("Pipeline stage %d: %s", failed, exitMessage(pr.args, pr.rc()))
		t := l.errorTable(L, msg, list, pr.returncode(), stdout, stderr)
		t.RawSetString("returncodes", rcs)
		l.raise(L, t)
	}
	t := L.CreateTable(0, 4)
	t.RawSetString("args", list)
	t.RawSetString("returncodes", rcs)
	t.RawSetString("stdout", stdout)
	t.RawSetString("stderr", stderr)
	L.Push(t)
	return 1
}
