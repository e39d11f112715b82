// Package repl is safesh's interactive session: a read-eval-print loop in
// the manner of lua.c's, with what readline-based shells add.
//
//   - Each line is a chunk; an incomplete one (a function not yet closed,
//     an unfinished expression) keeps reading lines under the continuation
//     prompt ">> ".
//   - A line is first tried as an expression ("return " .. line, as Lua 5.3
//     and later do, or "=expr" as Lua 5.1 does): its values are shown, with
//     strings quoted and tables printed readably (see Format).
//   - Errors are shown with their traceback and the session goes on.
//   - An interrupt (Ctrl-C, a SIGINT) while a chunk runs cancels that chunk's
//     context: Lua code stops at its next instruction and a blocking call
//     (os.read on a pipe, io.read, os.execute, waiting for a child) returns,
//     and the session goes on with its state intact. An interrupt that
//     comes as the chunk ends on its own is dropped, not left for the next.
//   - Children and Ctrl-C. The chunk's children stay in safesh's process
//     group, the terminal's foreground, and get its SIGINT too; there is
//     no job control, because Ctrl-C must stop the chunk whatever a child
//     does with SIGINT, and a chunk reads the terminal itself between
//     children. Instead, SIGINT is the runtime's interrupt signal
//     (runtime.Runtime.SetInterruptSignal): a child of the chunk that dies
//     of SIGINT interrupts the chunk in the call that reaps it, whether or
//     not safesh has handled its own SIGINT yet (bash's "wait and
//     cooperative exit"); then the interrupted chunk's children are killed
//     with their trees, and, safesh being the reaper of its orphaned
//     descendants, the orphans that appeared during the chunk (a
//     grandchild whose parent died of the SIGINT first). A child started
//     with start_new_session or process_group is killed with its group.
//     docs/cli.md says more.
//
// A Session reads its lines from a LineReader: NewTerminal gives one on the
// terminal (line editing, completion and history through
// github.com/chzyer/readline); without one the session reads the runtime's
// io.stdin, as lua.c reads stdin when it is not a terminal, so that a chunk
// that reads standard input gets the lines that follow it.
package repl

import (
	"context"
	"errors"
	"fmt"
	goio "io"
	"os"
	"strings"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// Prompts of the session.
const (
	Prompt             = "> "  // the first line of a chunk
	ContinuationPrompt = ">> " // the following lines of an incomplete chunk
)

// ChunkName is the name under which what the user types runs, as in
// lua.c: errors read "stdin:1: ...".
const ChunkName = "stdin"

// ErrInterrupt is what a LineReader returns when the user cancelled the
// line being typed (Ctrl-C): the session drops it, and the rest of an
// incomplete chunk with it.
var ErrInterrupt = errors.New("repl: line interrupted")

// A LineReader reads the lines the user types.
type LineReader interface {
	// ReadLine shows prompt and returns the next line, without its end of
	// line. It returns io.EOF at the end of input (Ctrl-D on an empty line)
	// and ErrInterrupt when the user cancelled the line.
	ReadLine(prompt string) (string, error)
}

// Config is what a Session reads from and writes to.
type Config struct {
	// Input gives the lines. If nil, lines are read from the runtime's
	// io.stdin, with no prompt.
	Input LineReader
	// Stdout receives the values of expressions, Stderr the errors. They
	// default to os.Stdout and os.Stderr.
	Stdout, Stderr goio.Writer
	// Interrupt, if not nil, interrupts the running chunk at each receive
	// (signal.Notify delivers SIGINT there). What it receives while no
	// chunk runs is dropped. It also makes SIGINT the runtime's interrupt
	// signal (runtime.Runtime.SetInterruptSignal): a child that dies of
	// SIGINT interrupts the chunk that reaps it.
	Interrupt <-chan os.Signal
	// Width, if not nil, tells how wide the screen is, for showing tables
	// (ScreenWidth tells the terminal's). The default is 80 columns.
	Width func() int
}

// Session is one interactive session on a runtime. The runtime keeps its
// globals from one chunk to the next, and from what ran before the session
// (safesh -i script.lua).
type Session struct {
	rt             *runtime.Runtime
	in             LineReader
	stdout, stderr goio.Writer
	interrupt      <-chan os.Signal
	width          func() int
	tostring       *lua.LFunction // tostring that honours __tostring, run by the runtime
}

// New returns a Session on rt.
func New(rt *runtime.Runtime, cfg Config) (*Session, error) {
	s := &Session{rt: rt, in: cfg.Input, stdout: cfg.Stdout, stderr: cfg.Stderr, interrupt: cfg.Interrupt, width: cfg.Width}
	if s.stdout == nil {
		s.stdout = os.Stdout
	}
	if s.stderr == nil {
		s.stderr = os.Stderr
	}
	if s.interrupt != nil {
		rt.SetInterruptSignal(os.Interrupt)
	}
	L := rt.LState()
	s.tostring = L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(L.ToStringMeta(L.Get(1)).String()))
		return 1
	})
	s.installHelp()
	if s.in == nil {
		in, err := s.stdinLines()
		if err != nil {
			return nil, err
		}
		s.in = in
	}
	return s, nil
}

// Run reads, runs and shows chunks until the end of input, and returns
// nil then. It returns a *runtime.ExitError if a chunk called os.exit in a
// runtime that does not end the process itself, or the LineReader's
// error.
func (s *Session) Run(ctx context.Context) error {
	var lines []string
	for {
		prompt := Prompt
		if len(lines) > 0 {
			prompt = ContinuationPrompt
		}
		line, err := s.in.ReadLine(prompt)
		switch {
		case errors.Is(err, ErrInterrupt):
			lines = nil
			continue
		case errors.Is(err, goio.EOF):
			return nil
		case err != nil:
			return err
		}
		if len(lines) == 0 && strings.TrimSpace(line) == "" {
			continue
		}
		lines = append(lines, line)
		fn, err := s.compile(lines)
		if errors.Is(err, errIncomplete) {
			continue
		}
		lines = nil
		if err != nil {
			fmt.Fprintln(s.stderr, syntaxMessage(err))
			continue
		}
		if err := s.Eval(ctx, fn); err != nil {
			return err
		}
	}
}

// Eval runs fn as a chunk the user typed and shows its values, or its
// error and traceback. It returns only what ends the session: a
// *runtime.ExitError.
func (s *Session) Eval(ctx context.Context, fn *lua.LFunction) error {
	err := s.interruptible(ctx, func(ctx context.Context) error {
		vals, err := s.rt.Call(ctx, fn)
		if err != nil || len(vals) == 0 {
			return err
		}
		width := formatWidth
		if s.width != nil {
			width = s.width()
		}
		f := newFormatter(func(v lua.LValue) (string, error) {
			res, err := s.rt.Call(ctx, s.tostring, v)
			if err != nil {
				return "", err
			}
			return res[0].String(), nil
		}, width)
		out := make([]string, len(vals))
		for i, v := range vals {
			if out[i], err = f.format(v); err != nil {
				return err
			}
		}
		fmt.Fprintln(s.stdout, strings.Join(out, "\t"))
		return nil
	})
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		return err
	}
	if err != nil {
		s.report(err)
	}
	return nil
}

// interruptible runs f with a context that an interrupt cancels.
func (s *Session) interruptible(ctx context.Context, f func(context.Context) error) error {
	if s.interrupt == nil {
		return f(ctx)
	}
	// An interrupt that came while nothing ran is not for this chunk: a
	// signal sent from elsewhere while the user was typing, or a late one
	// for the chunk before, which ended on its own before the signal was
	// handled (Ctrl-C killed the child it waited for). settleSignals
	// makes sure that the late one has arrived.
	settleSignals()
	select {
	case <-s.interrupt:
	default:
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		for {
			select {
			case sig := <-s.interrupt:
				if s.rt.HandlesSignal(sig) {
					continue // the script's handler (signal module) has it
				}
				cancel()
			case <-done:
			}
			return
		}
	}()
	err := f(ctx)
	close(done)
	<-watching
	cancel()
	return err
}

// report shows an error of a chunk: its message and traceback.
func (s *Session) report(err error) {
	if errors.Is(err, context.Canceled) {
		// The terminal echoed ^C where the cursor was.
		fmt.Fprintln(s.stderr)
	}
	var lerr *runtime.Error
	if errors.As(err, &lerr) {
		fmt.Fprintln(s.stderr, lerr.Message)
		if lerr.Traceback != "" {
			fmt.Fprintln(s.stderr, lerr.Traceback)
		}
		return
	}
	fmt.Fprintln(s.stderr, err)
}

// errIncomplete is what compile returns for a chunk that needs more lines.
var errIncomplete = errors.New("incomplete chunk")

// compile compiles the chunk made of lines: as an expression whose values
// are shown if it is one, else as statements. It returns errIncomplete if
// the chunk ends before it is complete in either reading.
func (s *Session) compile(lines []string) (*lua.LFunction, error) {
	src := strings.Join(lines, "\n")
	if expr, ok := strings.CutPrefix(src, "="); ok {
		fn, err := s.load("return " + expr)
		if incomplete(err) {
			return nil, errIncomplete
		}
		return fn, err
	}
	fn, exprErr := s.load("return " + src)
	if exprErr == nil {
		return fn, nil
	}
	fn, err := s.load(src)
	if err == nil {
		return fn, nil
	}
	if incomplete(err) || incomplete(exprErr) {
		return nil, errIncomplete
	}
	return nil, err
}

func (s *Session) load(src string) (*lua.LFunction, error) {
	return s.rt.LState().Load(strings.NewReader(src), ChunkName)
}

// incomplete reports whether err is a syntax error at the end of the
// chunk, which more lines may mend: Lua's "near '<eof>'" (gopher-lua
// patch 0031). An unfinished short string is not among them: a string
// cannot span lines.
func incomplete(err error) bool {
	if err == nil {
		return false
	}
	msg := syntaxMessage(err)
	return strings.HasSuffix(msg, "near '<eof>'") && !strings.Contains(msg, "unfinished string")
}

// syntaxMessage is the message of a compile error.
func syntaxMessage(err error) string {
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil {
		return strings.TrimSpace(api.Object.String())
	}
	return strings.TrimSpace(err.Error())
}
