//go:build unix

package repl

import (
	goio "io"
	"testing"
	"time"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// TestTTYInputGate: readline's input reads only while a line is read; in
// between, what is typed stays for others (a chunk, a child), and Close
// ends a read that waits.
func TestTTYInputGate(t *testing.T) {
	var p [2]int
	var err error
	if p[0], p[1], err = inherit.Pipe(); err != nil {
		t.Fatal(err)
	}
	// Non-blocking, as another process sharing the terminal may leave it.
	if err := unix.SetNonblock(p[0], true); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	in, err := newTTYInput(p[0])
	if err != nil {
		t.Fatal(err)
	}
	defer in.waker.Close()

	type result struct {
		s   string
		err error
	}
	reads := make(chan result)
	read := func() {
		buf := make([]byte, 16)
		n, err := in.Read(buf)
		reads <- result{string(buf[:n]), err}
	}
	expectNone := func(what string) {
		t.Helper()
		select {
		case r := <-reads:
			t.Fatalf("%s: Read returned %q, %v", what, r.s, r.err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	expect := func(s string, err error) {
		t.Helper()
		select {
		case r := <-reads:
			if r.s != s || r.err != err {
				t.Fatalf("Read = %q, %v; want %q, %v", r.s, r.err, s, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Read did not return")
		}
	}

	// The gate is closed: data is left where it is.
	unix.Write(p[1], []byte("for a chunk"))
	go read()
	expectNone("gate closed")
	buf := make([]byte, 32)
	if n, _ := unix.Read(p[0], buf); string(buf[:n]) != "for a chunk" {
		t.Fatalf("the data typed between lines was taken: %q", buf[:n])
	}

	// Open: the waiting read gets what comes.
	in.setOpen(true)
	expectNone("open, nothing typed")
	unix.Write(p[1], []byte("line"))
	expect("line", nil)

	// Closed again while a read waits in poll: it goes back to waiting.
	go read()
	time.Sleep(20 * time.Millisecond)
	in.setOpen(false)
	expectNone("closed while polling")
	unix.Write(p[1], []byte("later"))
	expectNone("closed, data typed")
	in.setOpen(true)
	expect("later", nil)

	// Close ends a waiting read.
	in.setOpen(false)
	go read()
	time.Sleep(20 * time.Millisecond)
	in.Close()
	expect("", goio.EOF)
}
