// Package cli is the safesh command: option parsing as the stand-alone Lua
// interpreter (lua.c) does it, running scripts, and reporting errors.
package cli

import (
	"context"
	"errors"
	"fmt"
	goio "io"
	"os"
	"strings"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/runtime"
)

// Version is safesh's version, printed by -v.
const Version = "safesh 0.1.0"

// Exit statuses.
const (
	ExitOK    = 0 // the script ran to its end
	ExitError = 1 // a Lua error was not caught
	ExitUsage = 2 // the command line was wrong
)

const usage = `usage: safesh [options] [script [args]]
Available options are:
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l name   require library 'name' into global 'name'
  -v        show version information
  -h        show this help
  --        stop handling options
  -         stop handling options and execute stdin

With no script and no -e, safesh reads a script from standard input,
or starts an interactive session if that is a terminal.

Exit status: 0 on success, 1 on an uncaught Lua error (message and
traceback on stderr), 2 on a usage error, or the status given to
os.exit.
`

// action is one -e or -l, run in command-line order.
type action struct {
	flag, value string
}

// Main runs the safesh command with args (os.Args) and returns its exit
// status.
func Main(args []string, stdout, stderr goio.Writer) int {
	progname := "safesh"
	var actions []action
	interactive, version, help := false, false, false
	script := -1
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
			interactive = true
		case a == "-v" || a == "--version":
			version = true
		case a == "-h" || a == "--help":
			help = true
		case a == "-e" || a == "-l" || strings.HasPrefix(a, "-e") || strings.HasPrefix(a, "-l"):
			flag, value := a[:2], a[2:]
			if value == "" {
				if i+1 >= len(args) {
					fmt.Fprintf(stderr, "%s: '%s' needs argument\n%s", progname, flag, usage)
					return ExitUsage
				}
				i++
				value = args[i]
			}
			actions = append(actions, action{flag, value})
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stderr, "%s: unrecognized option '%s'\n%s", progname, a, usage)
			return ExitUsage
		default:
			break loop
		}
	}
	if i < len(args) {
		script = i
	}
	if help {
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	if version {
		fmt.Fprintln(stdout, Version)
	}

	opts := []runtime.Option{runtime.Unrestricted(), runtime.ExitProcess()}
	if script >= 0 {
		opts = append(opts, runtime.WithCommandLine(args, script))
	} else {
		opts = append(opts, runtime.WithCommandLine(args, 0))
	}
	r, err := runtime.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progname, err)
		return ExitError
	}
	defer r.Close()
	ctx := context.Background()

	for _, a := range actions {
		var err error
		switch a.flag {
		case "-e":
			err = r.DoString(ctx, a.value, "(command line)")
		case "-l":
			err = r.DoString(ctx, fmt.Sprintf("%s = require(%q)", globalName(a.value), a.value), "(command line)")
		}
		if err != nil {
			return report(stderr, progname, err)
		}
	}

	switch {
	case script >= 0:
		if err := r.DoFile(ctx, args[script]); err != nil {
			return report(stderr, progname, err)
		}
	case i < len(args) && args[i] == "-":
		if err := r.DoFile(ctx, "-"); err != nil {
			return report(stderr, progname, err)
		}
	case len(actions) == 0 && !version && !interactive:
		if inherit.IsTerminal(0) {
			interactive = true
		} else if err := r.DoFile(ctx, "-"); err != nil {
			return report(stderr, progname, err)
		}
	}
	if interactive {
		fmt.Fprintf(stderr, "%s: interactive mode is not available yet\n", progname)
		return ExitUsage
	}
	return ExitOK
}

// globalName is the global that -l name sets: the module name up to its
// first dot-separated part's end, as Lua 5.4 does for "-l mod.sub".
func globalName(module string) string {
	if i := strings.LastIndexByte(module, '.'); i >= 0 {
		return module[i+1:]
	}
	return module
}

// report prints an error as lua.c does: the program name, the message and
// the traceback, on stderr. It returns the exit status.
func report(stderr goio.Writer, progname string, err error) int {
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		return exit.Code
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

// Run is Main on the process's own arguments and streams.
func Run() int { return Main(os.Args, os.Stdout, os.Stderr) }
