//go:build linux

package tests

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/safesh/safesh/internal/fdtest"
)

// The REPL tests drive the real command (the test binary installed as
// safesh by TestMain) through a pseudo-terminal, as a user at a terminal
// would: what they type goes to the master side, and what they would see
// is read back and rendered as a terminal shows it. Every wait has a
// deadline, and a failure prints what the screen showed.

// replTimeout bounds every wait for the REPL. It is generous because the
// machines are shared; a passing test never waits for it.
const replTimeout = 20 * time.Second

// Keys as the terminal sends them.
const (
	keyEnter = "\r"
	keyTab   = "\t"
	keyCtrlC = "\x03"
	keyCtrlD = "\x04"
	keyUp    = "\x1b[A"
)

// term is a safesh started on a pseudo-terminal.
type term struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File

	mu     sync.Mutex
	raw    []byte        // everything the terminal received
	update chan struct{} // signalled when raw grows or the reader ends
	eof    bool
	offset int // of the rendered screen: what expect has consumed

	exited chan struct{}
	status error
}

// startTerm starts safesh with args on a new pseudo-terminal, with
// XDG_STATE_HOME set to state (the history's home).
func startTerm(t *testing.T, state string, args ...string) *term {
	t.Helper()
	// As a shell starts a job: a new session whose controlling terminal
	// is the pseudo-terminal, so that Ctrl-C there sends SIGINT.
	return startTermAttr(t, &syscall.SysProcAttr{Setsid: true, Setctty: true}, state, args...)
}

// startTermAttr is startTerm with the child's process attributes.
func startTermAttr(t *testing.T, attr *syscall.SysProcAttr, state string, args ...string) *term {
	t.Helper()
	cmd := exec.Command("safesh", args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state, "TERM=xterm")
	ptmx, err := pty.StartWithAttrs(cmd, &pty.Winsize{Rows: 50, Cols: 200}, attr)
	if err != nil {
		t.Fatalf("starting safesh on a pseudo-terminal: %v", err)
	}
	tm := &term{t: t, cmd: cmd, ptmx: ptmx, update: make(chan struct{}, 1), exited: make(chan struct{})}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			tm.mu.Lock()
			tm.raw = append(tm.raw, buf[:n]...)
			if err != nil {
				tm.eof = true
			}
			tm.mu.Unlock()
			tm.signal()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		tm.status = cmd.Wait()
		close(tm.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-tm.exited:
		default:
			cmd.Process.Kill()
			<-tm.exited
		}
		ptmx.Close()
		<-readerDone
	})
	return tm
}

func (tm *term) signal() {
	select {
	case tm.update <- struct{}{}:
	default:
	}
}

// send types s.
func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.ptmx.Write([]byte(s)); err != nil {
		tm.t.Fatalf("typing %q: %v\n%s", s, err, tm.transcript())
	}
}

// screen renders what the terminal received as lines of text.
func (tm *term) screen() (string, bool) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return render(tm.raw), tm.eof
}

// transcript is the screen, for failure messages.
func (tm *term) transcript() string {
	s, _ := tm.screen()
	return "---- the terminal showed ----\n" + s + "\n----"
}

// expect waits until the screen, past what earlier calls consumed, matches
// the regular expression re, consumes up to the end of the match, and
// returns the submatches. A match may start on the line where the last
// one ended (so that ^ matches the line a prompt starts), but must end
// past it.
func (tm *term) expect(re string) []string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(replTimeout)
	for {
		s, eof := tm.screen()
		if tm.offset <= len(s) {
			from := strings.LastIndexByte(s[:tm.offset], '\n') + 1
			for _, m := range rx.FindAllStringSubmatchIndex(s[from:], -1) {
				if from+m[1] <= tm.offset {
					continue
				}
				sub := make([]string, len(m)/2)
				for i := range sub {
					if m[2*i] >= 0 {
						sub[i] = s[from+m[2*i] : from+m[2*i+1]]
					}
				}
				tm.offset = from + m[1]
				return sub
			}
		}
		if eof {
			tm.t.Fatalf("safesh ended before showing %q\n%s", re, tm.transcript())
		}
		select {
		case <-tm.update:
		case <-deadline:
			tm.t.Fatalf("timed out waiting for %q\n%s", re, tm.transcript())
		}
	}
}

// prompt waits for a fresh prompt. (The screen's lines lose their trailing
// blanks.)
func (tm *term) prompt() {
	tm.t.Helper()
	tm.expect(`(?m)^>$`)
}

// interrupt presses Ctrl-C while a chunk runs, and waits for the chunk's
// "interrupted" and the next prompt.
func (tm *term) interrupt() {
	tm.t.Helper()
	tm.send(keyCtrlC)
	tm.expect(`(?m)^interrupted\n`)
	tm.prompt()
}

// wait waits for safesh to end and returns its exit status.
func (tm *term) wait() int {
	tm.t.Helper()
	select {
	case <-tm.exited:
	case <-time.After(replTimeout):
		// Show where it is stuck: Go prints its goroutines on SIGQUIT.
		tm.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-tm.exited:
		case <-time.After(time.Second):
		}
		tm.t.Fatalf("safesh did not end\n%s", tm.transcript())
	}
	var exit *exec.ExitError
	if errors.As(tm.status, &exit) {
		return exit.ExitCode()
	}
	if tm.status != nil {
		tm.t.Fatalf("waiting for safesh: %v", tm.status)
	}
	return 0
}

// render plays bytes sent to a terminal onto a screen and returns its
// lines: enough of a terminal for readline's redrawing (carriage return,
// backspace, erase to the end of the screen or line); other escape
// sequences are dropped.
func render(raw []byte) string {
	var lines [][]rune
	line, col := []rune{}, 0
	s := []rune(string(raw))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, line)
			line, col = []rune{}, 0
		case '\b':
			if col > 0 {
				col--
			}
		case '\a':
		case 0x1b:
			// CSI: ESC [ parameters final-byte.
			if i+1 < len(s) && s[i+1] == '[' {
				j := i + 2
				for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
					j++
				}
				if j < len(s) && (s[j] == 'J' || s[j] == 'K') {
					line = line[:min(col, len(line))]
				}
				i = j
			}
		default:
			for len(line) < col {
				line = append(line, ' ')
			}
			if col < len(line) {
				line[col] = c
			} else {
				line = append(line, c)
			}
			col++
		}
	}
	lines = append(lines, line)
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(string(l), " "))
	}
	return b.String()
}

func TestREPLExpressionsAndMultilineFunction(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.expect(`safesh \S+ .*os\.fds\(\)`)
	tm.prompt()

	tm.send("1 + 1" + keyEnter)
	tm.expect(`(?m)^2$`)
	tm.prompt()

	// A function typed over three lines: the second and third under the
	// continuation prompt.
	tm.send("function twice(x)" + keyEnter)
	tm.expect(`(?m)^>>$`)
	tm.send("  return 2 * x" + keyEnter)
	tm.expect(`(?m)^>>   return 2 \* x\n>>$`)
	tm.send("end" + keyEnter)
	tm.prompt()
	tm.send("twice(21), =twice" + keyEnter) // not Lua: a syntax error, and the session goes on
	tm.expect(`(?m)^stdin:1: unexpected symbol near ','$`)
	tm.prompt()
	tm.send("=twice(21), 'a\\tb', nil" + keyEnter)
	tm.expect(`(?m)^42\t"a\\tb"\tnil$`)
	tm.prompt()

	// Tables print as constructors, cycles marked; os.pipe() shows both fds.
	tm.send(`t = {1, 2, name = "x", sub = {true}} t.self = t` + keyEnter)
	tm.prompt()
	tm.send("t" + keyEnter)
	tm.expect(`(?m)^\{1, 2, name = "x", self = <cycle table: 0x[0-9a-f]+>, sub = \{true\}\}$`)
	tm.prompt()
	// Infinities and NaN show as what pastes back; a long array goes
	// several values a line, as Python prints a list.
	tm.send("=1/0, -1/0, 0/0, {1/0}" + keyEnter)
	tm.expect(`(?m)^math\.huge\t-math\.huge\t0/0\t\{math\.huge\}$`)
	tm.prompt()
	tm.send("sq = {} for i = 1, 100 do sq[i] = i * i end" + keyEnter)
	tm.prompt()
	tm.send("sq" + keyEnter)
	tm.expect(`(?m)^\{\n  1, 4, 9, 16, [\d, ]+,\n  \d+, \d+, `)
	tm.prompt()

	tm.send("os.pipe()" + keyEnter)
	tm.expect(`(?m)^\d+\t\d+$`)
	tm.prompt()

	// An error shows its traceback; the session and its globals go on.
	tm.send(`error("boom")` + keyEnter)
	tm.expect(`(?m)^stdin:1: boom\nstack traceback:\n`)
	tm.prompt()
	tm.send("twice(4)" + keyEnter)
	tm.expect(`(?m)^8$`)
	tm.prompt()

	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("Ctrl-D: exit status %d, want 0\n%s", status, tm.transcript())
	}
}

func TestREPLCompletion(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()

	// One candidate: TAB completes it.
	tm.send("string.for" + keyTab + `("%d", 7)` + keyEnter)
	tm.expect(`(?m)^> string\.format\("%d", 7\)\n"7"$`)
	tm.prompt()

	// string is its own metatable's __index: that key is not offered.
	tm.send("string.__i" + keyTab + keyEnter)
	tm.expect(`(?m)^> string\.__i\nnil$`)
	tm.prompt()

	// A method of a file object, found through its metatable's __index.
	tm.send("io.stdout:wri" + keyTab + `("written\n")` + keyEnter)
	tm.expect(`(?m)^> io\.stdout:write\("written\\n"\)\nwritten$`)
	tm.prompt()

	// Several candidates: TAB completes what they share, then lists them.
	tm.send("f = io.stdout" + keyEnter)
	tm.prompt()
	tm.send("f:se" + keyTab + keyTab)
	tm.expect(`seek\s+set_inheritable\s+setvbuf`)
	tm.send(keyCtrlC + keyCtrlC) // the first leaves the list, the second the line
	tm.prompt()

	// A global, and a keyword.
	tm.send("completion_target = 5" + keyEnter)
	tm.prompt()
	tm.send("completion_tar" + keyTab + keyEnter)
	tm.expect(`(?m)^> completion_target\n5$`)
	tm.prompt()
	tm.send("repe" + keyTab + " break until true" + keyEnter)
	tm.expect(`(?m)^> repeat break until true$`)
	tm.prompt()

	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

func TestREPLHistoryAcrossSessions(t *testing.T) {
	state := t.TempDir()
	tm := startTerm(t, state)
	tm.prompt()
	tm.send(`"from the first" .. " session"` + keyEnter)
	tm.expect(`(?m)^"from the first session"$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}

	path := filepath.Join(state, "safesh", "history")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no history file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("history file mode %v, want 0600", perm)
	}

	// The second session recalls the line with the up arrow.
	tm = startTerm(t, state)
	tm.prompt()
	tm.send(keyUp + keyEnter)
	tm.expect(`(?m)^> "from the first" \.\. " session"\n"from the first session"$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

func TestREPLHistoryIsCapped(t *testing.T) {
	state := t.TempDir()
	path := filepath.Join(state, "safesh", "history")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	var old bytes.Buffer
	for i := range 1500 {
		fmt.Fprintf(&old, "x = %d\n", i)
	}
	if err := os.WriteFile(path, old.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, state)
	tm.prompt()
	tm.send(keyCtrlD)
	tm.wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 1000 || lines[len(lines)-1] != "x = 1499" {
		t.Errorf("history after a session: %d lines ending %q, want the last 1000", len(lines), lines[len(lines)-1])
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the cut history file: %v, %v; want mode 0600", info.Mode(), err)
	}
}

// waitChild is a chunk that waits for a child that ignores SIGINT, so that
// only safesh's own SIGINT can end the wait. The child prints "waiting"
// once it ignores SIGINT (the quotes keep the echoed line from matching).
const waitChild = `os.execute("trap '' INT; echo wait''ing; exec sleep 5")`

func TestREPLCtrlCInterrupts(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	tm.send("kept = 'state'" + keyEnter)
	tm.prompt()

	// Ctrl-C on a line being typed drops it, and a chunk being continued.
	tm.send("function unfinished()" + keyEnter)
	tm.expect(`(?m)^>>$`)
	tm.send("print('never" + keyCtrlC)
	tm.prompt()
	tm.send("unfinished" + keyEnter)
	tm.expect(`(?m)^nil$`)
	tm.prompt()

	// A read blocked on an empty pipe. "blocking" is printed by the chunk
	// itself, so Ctrl-C is sent only once it runs.
	tm.send("r, w = os.pipe() print('block' .. 'ing') os.read(r, 1)" + keyEnter)
	tm.expect(`(?m)^blocking$`)
	tm.send(keyCtrlC)
	tm.expect(`(?m)^interrupted\nstack traceback:`)
	tm.prompt()

	// A loop that never calls out.
	tm.send("n = 0 while true do n = n + 1 if n == 1000 then print('loop' .. 'ing') end end" + keyEnter)
	tm.expect(`(?m)^looping$`)
	tm.send(keyCtrlC)
	tm.expect(`(?m)^interrupted\nstack traceback:`)
	tm.prompt()

	// io.read on the terminal itself.
	tm.send("print('read' .. 'ing') line = io.read()" + keyEnter)
	tm.expect(`(?m)^reading$`)
	tm.interrupt()

	// Waiting for a child. The child ignores SIGINT, and says "waiting"
	// only once it does: were it to die of the terminal's SIGINT first,
	// os.execute would return by itself, and the chunk could end before
	// safesh handled its own SIGINT (the next step). Printed by the chunk
	// before os.execute, the word let Ctrl-C come before the child's trap
	// about one run in six.
	tm.send(waitChild + keyEnter)
	tm.expect(`(?m)^waiting$`)
	tm.interrupt()

	// Ctrl-C kills the child: the chunk is interrupted, also when the
	// child died before safesh handled its own SIGINT (the child's death
	// of SIGINT is the interrupt). That late SIGINT is not for the next
	// chunk, which starts at once.
	tm.send(`os.execute("echo wait''ing; exec sleep 5")` + keyEnter)
	tm.expect(`(?m)^waiting$`)
	tm.interrupt()
	tm.send("os.execute('sleep 0.2') print('not ' .. 'interrupted')" + keyEnter)
	tm.expect(`(?m)^not interrupted$`)
	tm.prompt()

	// The state is intact, and the pipe still works.
	tm.send("kept, n > 0, os.write(w, 'x'), os.read(r, 1)" + keyEnter)
	tm.expect(`(?m)^"state"\ttrue\t1\t"x"$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

// TestREPLChunkSeesCookedTerminal: readline puts the terminal in raw mode
// only while a line is read; a chunk, and its children, find it as it was
// before (a new pseudo-terminal: canonical, echoing, Ctrl-C sending
// SIGINT), also after Ctrl-C at the prompt and an interrupted chunk.
func TestREPLChunkSeesCookedTerminal(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	check := func(when string) {
		t.Helper()
		tm.send("print('BEG' .. 'IN') os.execute('stty -a') print('E' .. 'ND')" + keyEnter)
		m := tm.expect(`(?s)\nBEGIN\n(.*?)\nEND\n`)
		tm.prompt()
		flags := map[string]bool{}
		for _, f := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ';' || r == '\n' }) {
			flags[f] = true
		}
		for _, f := range []string{"isig", "icanon", "echo", "icrnl"} {
			if !flags[f] {
				t.Errorf("%s: a chunk's child found the terminal without %s\n%s", when, f, m[1])
			}
		}
	}
	check("first chunk")
	tm.send("print('never" + keyCtrlC)
	tm.prompt()
	check("after Ctrl-C at the prompt")
	tm.send(waitChild + keyEnter)
	tm.expect(`(?m)^waiting$`)
	tm.interrupt()
	check("after an interrupted chunk")
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

func TestREPLChildInheritsOnlyStdio(t *testing.T) {
	state := t.TempDir()
	// A history file, so that readline's own descriptor is open; a
	// completion, and an interrupted chunk (the waker).
	tm := startTerm(t, state)
	tm.prompt()
	tm.send("1" + keyEnter)
	tm.prompt()
	tm.send("string.for" + keyTab + keyCtrlC)
	tm.prompt()
	tm.send(waitChild + keyEnter)
	tm.expect(`(?m)^waiting$`)
	tm.interrupt()
	// What the test process itself inherited beyond 0, 1, 2 (a CI runner
	// or a terminal may pass some) reaches safesh through os/exec too.
	ancestral := map[int]bool{}
	for n := range fdtest.Inherited(t) {
		if n > 2 {
			ancestral[n] = true
		}
	}
	children := []struct {
		name, spawn string
		want        []int
	}{
		// os.execute: safesh's spawner, which passes only 0, 1, 2.
		{"os.execute", "os.execute('lsfds')", []int{0, 1, 2}},
		// close_fds = false passes every inheritable descriptor of the
		// process: none but 0, 1, 2 and the ancestral ones may be,
		// whoever in safesh opened it.
		{"close_fds = false", "require('subprocess').call({'lsfds'}, {close_fds = false})",
			append([]int{0, 1, 2}, fdtest.Numbers(fdMap(ancestral))...)},
	}
	for _, c := range children {
		tm.send("print('BEG' .. 'IN') " + c.spawn + " print('E' .. 'ND')" + keyEnter)
		m := tm.expect(`(?s)\nBEGIN\n(.*?)\nEND\n`)
		tm.prompt()
		fds, err := fdtest.Parse(m[1] + "\n")
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, tm.transcript())
		}
		if got := fdtest.Numbers(fds); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: a child of the REPL inherited %v, want %v\n%s", c.name, got, c.want, m[1])
		}
		for n := range 3 {
			if fds[n].Kind != "tty" {
				t.Errorf("%s: fd %d in the child is %s, want the terminal", c.name, n, fds[n].Kind)
			}
		}
	}
	tm.send(keyCtrlD)
	tm.wait()
}

// fdMap turns a set of descriptor numbers into what fdtest.Numbers takes.
func fdMap(set map[int]bool) map[int]fdtest.Fd {
	m := map[int]fdtest.Fd{}
	for n := range set {
		m[n] = fdtest.Fd{Fd: n}
	}
	return m
}

// TestREPLDescriptorsAreCloexecFromBirth runs an interactive session under
// strace and checks, as TestStraceAtomicCloexec does for scripts, that
// every descriptor created after start-up (readline's history file, the
// waker that interrupts a blocked call, the pipe and the child of the
// session) is close-on-exec in the very call that creates it.
func TestREPLDescriptorsAreCloexecFromBirth(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	state := t.TempDir()
	trace := filepath.Join(state, "trace")
	safesh, err := exec.LookPath("safesh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(strace, "-f", "-qq", "-o", trace,
		"-e", "trace=open,openat,openat2,creat,pipe,pipe2,dup,dup2,dup3,fcntl,socket,socketpair,accept,accept4,eventfd2,epoll_create,epoll_create1,pidfd_open,memfd_create,clone,clone3,fork,vfork",
		safesh)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	input := "r, w = os.pipe()\rf = io.open('" + filepath.Join(state, "f") + "', 'w')\ros.execute('true')\r\x04"
	out := make(chan []byte)
	go func() {
		var all []byte
		buf := make([]byte, 4096)
		sent := false
		for {
			n, err := ptmx.Read(buf)
			all = append(all, buf[:n]...)
			if !sent && bytes.Contains(all, []byte("> ")) {
				ptmx.Write([]byte(input))
				sent = true
			}
			if err != nil {
				out <- all
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("safesh under strace: %v\n%s", err, <-out)
		}
	case <-time.After(replTimeout):
		cmd.Process.Signal(syscall.SIGKILL)
		t.Fatalf("safesh under strace did not end\n%q", <-out)
	}
	ptmx.Close()
	<-out

	started := false
	checked := 0
	for _, c := range parseTrace(t, trace) {
		if c.child {
			continue
		}
		if !started {
			// Start-up is the Go runtime's; the session begins where the
			// history file is opened.
			started = strings.Contains(c.args, filepath.Join(state, "safesh", "history"))
			if !started {
				continue
			}
		}
		if problem := checkCall(c); problem != "" {
			t.Errorf("%s: %s(%s) = %s", problem, c.name, c.args, c.ret)
		}
		checked++
	}
	if !started || checked < 4 {
		t.Fatalf("the trace shows no session (started %v, %d calls checked)", started, checked)
	}
	t.Logf("%d calls checked", checked)
}

func TestREPLAfterScript(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "setup.lua")
	if err := os.WriteFile(script, []byte("greeting = 'hi from ' .. arg[1]\nprint('setup done')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, dir, "-i", script, "the command line")
	tm.expect(`(?m)^setup done\nsafesh \S+ `)
	tm.prompt()
	tm.send("greeting" + keyEnter)
	tm.expect(`(?m)^"hi from the command line"$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

// TestREPLCtrlZ: Ctrl-Z at the prompt stops safesh's process group, and
// the session goes on when continued; the parent is not signalled
// (readline alone sends SIGTSTP to the parent process too).
func TestREPLCtrlZ(t *testing.T) {
	tstp := make(chan os.Signal, 1)
	signal.Notify(tstp, syscall.SIGTSTP)
	defer signal.Stop(tstp)
	// A process group of its own in the test's session, which is not
	// orphaned (the kernel would discard a stop signal to an orphaned
	// one, as a session leader's is).
	tm := startTermAttr(t, &syscall.SysProcAttr{Setpgid: true}, t.TempDir())
	tm.prompt()
	tm.send("before = 1" + keyEnter)
	tm.prompt()
	tm.send("\x1a")
	pid := tm.cmd.Process.Pid
	deadline := time.Now().Add(replTimeout)
	for !stopped(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("Ctrl-Z did not stop safesh\n%s", tm.transcript())
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case <-tstp:
		t.Errorf("Ctrl-Z in safesh stopped its parent too")
	default:
	}
	if err := syscall.Kill(-pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	tm.send("before + 1" + keyEnter)
	tm.expect(`(?m)^2$`)
	tm.prompt()
	// readline's reader, asked for more after the Ctrl-Z, must not take
	// what a chunk reads, even typed before the chunk reads it (during the
	// sleep; typed later, the test passes either way).
	tm.send("print('read' .. 'ing') os.execute('sleep 0.5') got = io.read()" + keyEnter)
	tm.expect(`(?m)^reading$`)
	tm.send("for the chunk" + keyEnter)
	tm.prompt()
	tm.send("got" + keyEnter)
	tm.expect(`(?m)^"for the chunk"$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

// stopped reports whether process pid is stopped by a signal.
func stopped(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'T'
}
