// Package cli is the safesh command: option parsing as the stand-alone Lua
// interpreter (lua.c) does it, running scripts, reporting errors, and the
// interactive session (package repl).
package cli

import (
	"context"
	"errors"
	"fmt"
	goio "io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/safesh/safesh/cmd/safesh/internal/repl"
	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/runtime"
)

// Version is safesh's version, printed by -v.
const Version = "safesh 0.1.0"

// Banner is the first line of an interactive session on a terminal.
const Banner = Version + " (Lua 5.1 on gopher-lua). Type os.fds() to see your descriptors, Ctrl-D to leave."

// Exit statuses. os.exit(n) gives n.
const (
	ExitOK    = 0 // the script ran to its end, or the session ended
	ExitError = 1 // a Lua error was not caught
	ExitUsage = 2 // the command line was wrong
	// ExitPipe is the status when standard output's reader went away (as
	// in "safesh script | head -1"): the command ends quietly, with the
	// status a shell gives a process killed by SIGPIPE (128 + 13), as C
	// Lua, cat and grep end. An embedding host gets the error instead.
	ExitPipe = 141
)

const usage = `usage: safesh [options] [script [args]]
Available options are:
  -e stat        execute string 'stat'
  -i             enter interactive mode after executing 'script'
  -l mod         require library 'mod' into global 'mod'
  -l g=mod       require library 'mod' into global 'g'
  -v, --version  show version information
  -h, --help     show this help
  --             stop handling options
  -              stop handling options and execute stdin

With no script and no -e, safesh reads a script from standard input,
or starts an interactive session if that is a terminal.

Exit status:
  0    success (and the end of an interactive session, Ctrl-D)
  1    an uncaught Lua error (message and traceback on stderr)
  2    a usage error
  141  standard output's reader went away (a broken pipe): quietly, as cat
  129, 143  SIGHUP or SIGTERM: the children were sent it too, and killed
       if still running after 2 s (unless the script handles the signal)
  n    the status given to os.exit(n)
`

const progname = "safesh"

// commandLine is what the arguments ask for.
type commandLine struct {
	args        []string
	actions     []action // -e and -l, in order
	interactive bool     // -i
	version     bool     // -v
	help        bool     // -h
	script      int      // index of the script in args ("-" for stdin), or -1
}

// action is one -e or -l, run in command-line order.
type action struct {
	flag, value string
}

// usageError is a command line that cannot be run.
type usageError string

func (e usageError) Error() string { return string(e) }

// parse reads the options as lua.c does: they end at the first argument
// that is not one (the script), at "--", or at "-" (standard input as the
// script).
func parse(args []string) (*commandLine, error) {
	cl := &commandLine{args: args, script: -1}
	i := 1
loop:
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			i++
			break loop
		case a == "-":
			break loop
		case a == "-i":
			cl.interactive = true
		case a == "-v" || a == "--version":
			cl.version = true
		case a == "-h" || a == "--help":
			cl.help = true
		case strings.HasPrefix(a, "-e") || strings.HasPrefix(a, "-l"):
			flag, value := a[:2], a[2:]
			if value == "" {
				if i+1 >= len(args) {
					return nil, usageError(fmt.Sprintf("'%s' needs argument", flag))
				}
				i++
				value = args[i]
			}
			cl.actions = append(cl.actions, action{flag, value})
		case strings.HasPrefix(a, "-"):
			return nil, usageError(fmt.Sprintf("unrecognized option '%s'", a))
		default:
			break loop
		}
	}
	if i < len(args) {
		cl.script = i
	}
	return cl, nil
}

// Main runs the safesh command with args (os.Args) and returns its exit
// status.
func Main(args []string, stdout, stderr goio.Writer) int {
	cl, err := parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n%s", progname, err, usage)
		return ExitUsage
	}
	if cl.help {
		fmt.Fprint(stdout, usage+help())
		return ExitOK
	}
	if cl.version {
		fmt.Fprintln(stdout, Version)
		if cl.script < 0 && len(cl.actions) == 0 && !cl.interactive {
			return ExitOK // nothing to run: no Lua state to make
		}
	}
	return cl.run(stdout, stderr)
}

// run runs what the command line asks for, in a runtime that is the whole
// process: os.exit ends it.
func (cl *commandLine) run(stdout, stderr goio.Writer) (code int) {
	opts := []runtime.Option{runtime.Unrestricted(), runtime.ExitProcess()}
	if cl.script >= 0 {
		opts = append(opts, runtime.WithCommandLine(cl.args, cl.script))
	} else {
		opts = append(opts, runtime.WithCommandLine(cl.args, 0))
	}
	r, err := runtime.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progname, err)
		return ExitError
	}
	defer func() {
		// Close writes out the files the script left open, as C's exit
		// does: what it could not write is reported.
		if err := r.Close(); err != nil {
			if brokenStdout(err) {
				code = ExitPipe
				return
			}
			fmt.Fprintf(stderr, "%s: %v\n", progname, err)
			if code == ExitOK {
				code = ExitError
			}
		}
	}()
	defer watchTermination(r)()
	stopInterrupt := watchInterrupt(r)
	defer stopInterrupt()
	ctx := context.Background()

	// With -i, an error in what runs before the session is reported, and
	// the session starts anyway, to look into what went wrong (as
	// python3 -i does); the status at its end is then 1.
	status := ExitOK
	failed := func(err error) { status = report(stderr, err) }
	ok := true
	for _, a := range cl.actions {
		var err error
		switch a.flag {
		case "-e":
			err = r.DoString(ctx, a.value, "(command line)")
		case "-l":
			global, module := requireNames(a.value)
			err = r.DoString(ctx, fmt.Sprintf("_G[%s] = require(%s)", repl.Quote(global), repl.Quote(module)), "(command line)")
		}
		if err != nil {
			failed(err)
			ok = false
			break
		}
	}
	switch {
	case !ok:
	case cl.script >= 0:
		if err := r.DoFile(ctx, cl.args[cl.script]); err != nil {
			failed(err)
		}
	case len(cl.actions) == 0 && !cl.interactive:
		// No script: standard input is one, unless it is a terminal.
		if !inherit.IsTerminal(0) {
			if err := r.DoFile(ctx, "-"); err != nil {
				failed(err)
			}
			break
		}
		cl.interactive = true
	}
	if !cl.interactive {
		return status
	}
	stopInterrupt() // the session's SIGINT interrupts a chunk instead
	if code := interact(r, stdout, stderr); code != ExitOK {
		return code
	}
	return status
}

// interact runs an interactive session on r and returns the exit status:
// on a terminal with line editing, history and completion; otherwise
// reading standard input, without prompts. SIGINT interrupts the chunk
// that runs.
func interact(r *runtime.Runtime, stdout, stderr goio.Writer) int {
	sigint := make(chan os.Signal, 1)
	signal.Notify(sigint, os.Interrupt)
	defer signal.Stop(sigint)
	cfg := repl.Config{Stdout: stdout, Stderr: stderr, Interrupt: sigint}
	var session *repl.Session
	if inherit.IsTerminal(0) {
		tcfg := repl.TerminalConfig{
			Complete: func(line string) (string, []string) { return session.Complete(line) },
			Stdout:   os.Stdout,
		}
		if !inherit.IsTerminal(1) {
			tcfg.Stdout = os.Stderr
		}
		if path, err := repl.HistoryFile(); err == nil {
			tcfg.HistoryFile = path
		} else {
			fmt.Fprintf(stderr, "%s: no history: %v\n", progname, err)
		}
		term, err := repl.NewTerminal(tcfg)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", progname, err)
			return ExitError
		}
		defer term.Close()
		cfg.Input = term
		cfg.Width = repl.ScreenWidth
		fmt.Fprintln(stderr, Banner)
	}
	session, err := repl.New(r, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progname, err)
		return ExitError
	}
	if err := session.Run(context.Background()); err != nil {
		return report(stderr, err)
	}
	return ExitOK
}

// requireNames splits the argument of -l into the global to set and the
// module to require: "g=mod" names both, as in Lua 5.4; "mod" sets the
// global named after the module's last dot-separated part ("-l a.b" sets
// b, as Lua 5.4 does).
func requireNames(arg string) (global, module string) {
	if g, m, ok := strings.Cut(arg, "="); ok {
		return g, m
	}
	if i := strings.LastIndexByte(arg, '.'); i >= 0 {
		return arg[i+1:], arg
	}
	return arg, arg
}

// report prints an error as lua.c does: the program name, the message and
// the traceback, on stderr. It returns the exit status.
func report(stderr goio.Writer, err error) int {
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}
	if brokenStdout(err) {
		return ExitPipe
	}
	var lerr *runtime.Error
	if errors.As(err, &lerr) {
		fmt.Fprintf(stderr, "%s: %s\n", progname, lerr.Message)
		if lerr.Traceback != "" {
			fmt.Fprintln(stderr, lerr.Traceback)
		}
		return ExitError
	}
	fmt.Fprintf(stderr, "%s: %v\n", progname, err)
	return ExitError
}

// help is what -h prints after the usage: the modules and where the
// documentation is.
func help() string {
	var b strings.Builder
	b.WriteString("\nModules (io and os are globals; the others come with require):\n")
	b.WriteString("  Lua 5.1's base, string, table, math, coroutine, debug, package\n")
	b.WriteString("  " + strings.Join(runtime.Modules(), ", ") + "\n")
	b.WriteString("\nDocumentation: docs/ in safesh's source, github.com/safesh/safesh:\n")
	b.WriteString("docs/cli.md for this command and its session, one page a module\n")
	b.WriteString("(docs/os.md, docs/subprocess.md, ...); docs/api.md lists every function,\n")
	b.WriteString("one line each, as help(f) shows them in the interactive session.\n")
	return b.String()
}

// brokenStdout reports whether err is a broken pipe on standard output:
// EPIPE (by its Go error or, for what a Lua function raised, its message)
// while fd 1's reader is gone. A broken pipe to another descriptor (a
// child's stdin) is reported as any error.
func brokenStdout(err error) bool {
	if !errors.Is(err, syscall.EPIPE) && !strings.Contains(err.Error(), syscall.EPIPE.Error()) {
		return false
	}
	return inherit.ReaderGone(1)
}

// GCPercent is the garbage collector's target the command sets, unless
// GOGC is set in its environment: a script that reads and writes a lot
// allocates a string for every read, and at Go's default of 100 the
// collector runs every few megabytes. The command owns its process, so it
// trades memory for speed, as the embedding API leaves to its host.
const GCPercent = 400

// TuneGC sets the command's garbage collector target (see GCPercent).
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}

// Run is Main on the process's own arguments and streams.
func Run() int {
	TuneGC()
	return Main(os.Args, os.Stdout, os.Stderr)
}
