package repl

import (
	"errors"
	goio "io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/chzyer/readline"
	"github.com/safesh/safesh/inherit"
)

// HistoryLimit is how many lines the history keeps.
const HistoryLimit = 1000

// Terminal is a LineReader on the process's terminal (descriptor 0), with
// line editing, completion and history, through github.com/chzyer/readline.
//
// The terminal is in raw mode only while a line is read: a chunk runs with
// the terminal as the user left it, so that Ctrl-C sends SIGINT. readline
// reads descriptor 0 only then too (see ttyInput), so that it never takes
// input meant for a chunk or a child. readline creates no descriptor but
// its history file, which Go's os package opens close-on-exec; the
// Terminal adds a waker (an eventfd, close-on-exec).
type Terminal struct {
	rl *readline.Instance
	in *ttyInput
}

// TerminalConfig configures a Terminal.
type TerminalConfig struct {
	// HistoryFile is where lines are kept across sessions: read at the
	// start, appended to after each line, cut to HistoryLimit lines when
	// it has grown past it. "" keeps no history file.
	HistoryFile string
	// Complete completes the name that a line ends with (see
	// Session.Complete). nil: no completion.
	Complete func(line string) (typed string, names []string)
	// Stdout is where the prompt and the line being edited are shown: a
	// terminal. The default is os.Stdout.
	Stdout goio.Writer
}

// NewTerminal returns a Terminal. Close it to put the terminal back as it
// was and to close the history file.
func NewTerminal(cfg TerminalConfig) (*Terminal, error) {
	in, err := newTTYInput(0)
	if err != nil {
		return nil, err
	}
	rcfg := &readline.Config{
		Prompt:                 Prompt,
		HistoryFile:            cfg.HistoryFile,
		HistoryLimit:           HistoryLimit,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		Stdin:                  in,
		Stdout:                 cfg.Stdout,
		Stderr:                 cfg.Stdout,
		FuncIsTerminal:         func() bool { return true },
		FuncGetWidth:           ScreenWidth,
	}
	if cfg.Complete != nil {
		rcfg.AutoComplete = completer(cfg.Complete)
	} else {
		rcfg.AutoComplete = completer(func(string) (string, []string) { return "", nil })
	}
	t := &Terminal{in: in}
	rcfg.FuncFilterInputRune = t.filter
	rl, err := readline.NewEx(rcfg)
	if err != nil {
		in.Close()
		in.waker.Close()
		return nil, err
	}
	t.rl = rl
	if cfg.HistoryFile != "" {
		// readline cuts a long history by writing a new file, which it
		// makes readable by all (0666 less the umask).
		_ = os.Chmod(cfg.HistoryFile, 0o600)
	}
	return t, nil
}

// filter handles Ctrl-Z itself: readline would send SIGTSTP to the parent
// process too, which stops whatever started safesh if it is not a shell.
// Here the terminal leaves raw mode and safesh's process group stops, as
// the terminal's own Ctrl-Z would do, until it is continued.
func (t *Terminal) filter(r rune) (rune, bool) {
	if r != readline.CharCtrlZ {
		return r, true
	}
	t.rl.Terminal.ExitRawMode()
	suspend()
	t.rl.Terminal.EnterRawMode()
	return r, false
}

// ReadLine implements LineReader. A line that is not blank goes to the
// history.
func (t *Terminal) ReadLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	t.in.setOpen(true)
	line, err := t.rl.Readline()
	t.in.setOpen(false)
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", ErrInterrupt
	case err != nil:
		return "", err
	}
	if strings.TrimSpace(line) != "" {
		// An error here is the history file's: the line still runs.
		_ = t.rl.SaveHistory(line)
	}
	return line, nil
}

// Close puts the terminal back and closes the history file.
func (t *Terminal) Close() error {
	t.in.Close()
	err := t.rl.Close() // returns once readline stopped reading
	if err2 := t.in.waker.Close(); err == nil {
		err = err2
	}
	return err
}

// completer adapts Session.Complete to readline.
type completer func(line string) (typed string, names []string)

// Do implements readline.AutoCompleter: it returns what each name adds to
// what was typed, and the length of that in runes.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	typed, names := c(string(line[:pos]))
	suffixes := make([][]rune, len(names))
	for i, name := range names {
		suffixes[i] = []rune(name[len(typed):])
	}
	return suffixes, utf8.RuneCountInString(typed)
}

// ScreenWidth is the width of the terminal on standard output (or error),
// or 80 where the terminal does not tell (a serial line, a new
// pseudo-terminal): readline would complete nothing on a terminal of
// width 0.
func ScreenWidth() int {
	if w := readline.GetScreenWidth(); w > 0 {
		return w
	}
	return 80
}

// ttyInput is readline's standard input: descriptor fd, read only while
// the gate is open, that is while a line is being read. readline's reading
// goroutine may ask for more at any time (it does after keys that it hands
// to a filter); between lines it then waits here, not in read(2), so that
// what is typed while a chunk runs goes to the chunk or its children, and
// Close can end it. Waits use poll with a waker, which closing the gate
// wakes, and so work on a descriptor left non-blocking by another process
// sharing the terminal.
type ttyInput struct {
	fd    int
	waker *inherit.Waker

	mu   sync.Mutex
	cond *sync.Cond
	open bool // a line is being read
	done bool // closed: reads return io.EOF
}

func newTTYInput(fd int) (*ttyInput, error) {
	w, err := inherit.NewWaker()
	if err != nil {
		return nil, err
	}
	in := &ttyInput{fd: fd, waker: w}
	in.cond = sync.NewCond(&in.mu)
	return in, nil
}

// setOpen opens or closes the gate.
func (in *ttyInput) setOpen(open bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.open = open
	if open {
		in.cond.Broadcast()
	} else {
		in.waker.Wake()
	}
}

// reading reports whether the gate is open, waiting until it is or the
// input is closed.
func (in *ttyInput) reading(wait bool) (bool, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for wait && !in.open && !in.done {
		in.cond.Wait()
	}
	if in.done {
		return false, goio.EOF
	}
	return in.open, nil
}

func (in *ttyInput) Read(p []byte) (int, error) {
	for {
		if _, err := in.reading(true); err != nil {
			return 0, err
		}
		r, err := inherit.Wait(in.fd, false, -1, in.waker.Fd())
		if err != nil {
			return 0, err
		}
		if r == inherit.Woken {
			in.mu.Lock()
			in.waker.Reset()
			in.mu.Unlock()
			continue // the gate closed, or the input: see again
		}
		if open, err := in.reading(false); err != nil {
			return 0, err
		} else if !open {
			continue
		}
		n, err := inherit.Read(in.fd, p)
		switch {
		case errors.Is(err, syscall.EAGAIN):
			continue // non-blocking, and another reader took it
		case err != nil:
			return 0, err
		case n == 0:
			return 0, goio.EOF
		}
		return n, nil
	}
}

// Close ends the input: reads in progress and to come return io.EOF. The
// descriptor is the process's and stays open; the waker stays open for a
// read that may still be waking.
func (in *ttyInput) Close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.done = true
	in.cond.Broadcast()
	return in.waker.Wake()
}

// HistoryFile returns the history file of interactive sessions,
// $XDG_STATE_HOME/safesh/history, or ~/.local/state/safesh/history where
// XDG_STATE_HOME is unset or not absolute (as the XDG base directory
// specification asks), and makes sure that it exists, readable by its
// owner only: it may hold secrets typed at the prompt.
func HistoryFile() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "safesh")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "history")
	fd, err := inherit.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_APPEND, 0o600)
	if err != nil {
		return "", err
	}
	if err := inherit.Close(fd); err != nil {
		return "", err
	}
	return path, nil
}
