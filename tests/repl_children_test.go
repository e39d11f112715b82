//go:build linux

package tests

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The children of an interrupted chunk. Ctrl-C at the terminal sends
// SIGINT to safesh and to its children alike (they share its process
// group): a child that ignores SIGINT, and whatever it started, must not
// outlive the chunk, whichever way the chunk started it.

// ignoringTree is a shell that ignores SIGINT and starts a grandchild
// that ignores it too (it inherits the trap), says both pids ("pi”ds"
// keeps the echoed line from matching), and waits.
const ignoringTree = `trap '' INT; sleep 30 & echo pi''ds $$ $!; wait`

// orphanTree is a shell that dies of SIGINT, leaving a grandchild that
// ignores it: by the time safesh handles its own SIGINT the grandchild
// may no longer be the child's, nor anyone's of safesh's.
const orphanTree = `(trap '' INT; exec sleep 30) & echo pi''ds $$ $!; wait`

// spawnRoutes are the ways a chunk starts a child, each running the
// shell command %s (in a long string) and waiting for it.
var spawnRoutes = []struct{ name, chunk string }{
	{"Popen+wait", `p = subprocess.Popen({"sh", "-c", [[%s]]}) p:wait()`},
	{"run", `subprocess.run({"sh", "-c", [[%s]]})`},
	{"pipeline", `subprocess.pipeline({{"sh", "-c", [[%s]]}, {"cat"}})`},
	{"os.execute", `os.execute([[%s]])`},
	{"io.popen r", `f = io.popen([[%s]]) print(f:read("l")) f:read("a")`},
	{"io.popen w", `f = io.popen([[%s]], "w") f:close()`},
}

// TestREPLCtrlCKillsChildTree: Ctrl-C while a chunk waits for a child
// that ignores SIGINT interrupts the chunk, and leaves neither the child
// nor its grandchild running, on every spawn route.
func TestREPLCtrlCKillsChildTree(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	tm.send(`subprocess = require("subprocess")` + keyEnter)
	tm.prompt()
	for _, tree := range []struct{ name, cmd string }{{"ignoring", ignoringTree}, {"orphan", orphanTree}} {
		for _, route := range spawnRoutes {
			tm.send(fmt.Sprintf(route.chunk, tree.cmd) + keyEnter)
			m := tm.expect(`(?m)^pids (\d+) (\d+)$`)
			tm.interrupt()
			for i, who := range []string{"child", "grandchild"} {
				pid, _ := strconv.Atoi(m[1+i])
				if !goneSoon(pid) {
					t.Errorf("%s, %s: the %s (pid %d) outlived the interrupted chunk\n%s", route.name, tree.name, who, pid, tm.transcript())
					killPid(pid)
				}
			}
		}
	}
	tm.send("1 + 1" + keyEnter)
	tm.expect(`(?m)^2$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

// TestREPLCtrlCStopsLoop: Ctrl-C kills the child (which dies of SIGINT
// before safesh may have handled its own): the chunk stops with
// "interrupted" every time, and goes no further: nothing after the call
// runs, and no second child starts.
func TestREPLCtrlCStopsLoop(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	tm.send(`subprocess = require("subprocess")` + keyEnter)
	tm.prompt()
	loops := []string{
		`for i = 1, 3 do subprocess.run({"sh", "-c", "echo sta''rted; exec sleep 30"}) print("af" .. "ter") end`,
		`for i = 1, 3 do os.execute("echo sta''rted; exec sleep 30") print("af" .. "ter") end`,
		`for i = 1, 3 do subprocess.Popen({"sh", "-c", "echo sta''rted; exec sleep 30"}):wait() print("af" .. "ter") end`,
	}
	for round := range 4 {
		for _, loop := range loops {
			tm.send(loop + keyEnter)
			tm.expect(`(?m)^started$`)
			from := tm.offset
			tm.interrupt()
			// A moment for what a chunk that went on would print.
			time.Sleep(50 * time.Millisecond)
			s, _ := tm.screen()
			after := s[from:]
			if strings.Contains(after, "after") || regexp.MustCompile(`(?m)^started$`).MatchString(after) {
				t.Fatalf("round %d: the chunk went on after Ctrl-C\n%s", round, tm.transcript())
			}
		}
	}
	// The late SIGINT is not the next chunk's.
	tm.send(`os.execute("sleep 0.2") print("not " .. "interrupted")` + keyEnter)
	tm.expect(`(?m)^not interrupted$`)
	tm.prompt()
	// A child of an earlier chunk that died of that Ctrl-C does not
	// interrupt the chunk that reaps it later: only the chunk's own
	// children's deaths are its interrupt.
	tm.send(`p = subprocess.Popen({"sleep", "30"})` + keyEnter)
	tm.prompt()
	tm.send(`os.execute("echo wai''ting; exec sleep 30")` + keyEnter)
	tm.expect(`(?m)^waiting$`)
	tm.interrupt()
	tm.send(`print(p:wait(), "re" .. "aped")` + keyEnter)
	tm.expect(`(?m)^-2\treaped$`)
	tm.prompt()
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}

// goneSoon reports whether process pid has ended (gone: a zombie that
// nobody reaps has), waiting a little for it: its killer may still be at
// work.
func goneSoon(pid int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// killPid kills a process a failing test left behind.
func killPid(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}

// TestREPLOrphansOfEarlierChunks: what a chunk leaves running in the
// background on purpose (a shell's "&", which safesh adopts once the shell
// has ended) is not killed by a later chunk's interrupt, and is reaped,
// not left a zombie, once it ends.
func TestREPLOrphansOfEarlierChunks(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.prompt()
	tm.send(`os.execute("sleep 30 & echo pi''d $!")` + keyEnter)
	m := tm.expect(`(?m)^pid (\d+)$`)
	tm.prompt()
	daemon, _ := strconv.Atoi(m[1])
	defer killPid(daemon)
	tm.send(`os.execute("sleep 1 & echo pi''d $!")` + keyEnter)
	m = tm.expect(`(?m)^pid (\d+)$`)
	tm.prompt()
	brief, _ := strconv.Atoi(m[1])
	tm.send(`os.execute("echo wai''ting; exec sleep 30")` + keyEnter)
	tm.expect(`(?m)^waiting$`)
	tm.interrupt()
	if gone(daemon) {
		t.Errorf("the background process of an earlier chunk (pid %d) was killed by a later chunk's interrupt\n%s", daemon, tm.transcript())
	}
	// Once the brief one has ended, the next chunk's end reaps it.
	deadline := time.Now().Add(replTimeout)
	for {
		tm.send("1 + 1" + keyEnter)
		tm.expect(`(?m)^2$`)
		tm.prompt()
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", brief)); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the background process %d that ended was not reaped\n%s", brief, tm.transcript())
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.send(keyCtrlD)
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit status %d\n%s", status, tm.transcript())
	}
}
