//go:build linux

package inherit_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/fdtest"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { fdtest.Main(m) }

// creators makes, for each primitive, new descriptors in a fresh state.
// Each returns the descriptors it made; the test closes them.
var creators = []struct {
	name   string
	create func(t *testing.T) []int
}{
	{"Open", func(t *testing.T) []int {
		return []int{must1(t)(inherit.Open(filepath.Join(t.TempDir(), "f"), unix.O_RDWR|unix.O_CREAT, 0o600))}
	}},
	{"Dup", func(t *testing.T) []int { return []int{must1(t)(inherit.Dup(1))} }},
	{"DupMin", func(t *testing.T) []int { return []int{must1(t)(inherit.DupMin(1, 200))} }},
	{"Dup2", func(t *testing.T) []int {
		if err := inherit.Dup2(1, 201, false); err != nil {
			t.Fatal(err)
		}
		return []int{201}
	}},
	{"Pipe", func(t *testing.T) []int {
		r, w, err := inherit.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		return []int{r, w}
	}},
	{"Socket/inet", func(t *testing.T) []int { return []int{must1(t)(inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0))} }},
	{"Socket/unix-dgram", func(t *testing.T) []int { return []int{must1(t)(inherit.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0))} }},
	{"Socketpair", func(t *testing.T) []int {
		fds, err := inherit.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		return fds[:]
	}},
	{"Accept", func(t *testing.T) []int {
		l := listener(t)
		c := must1(t)(inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0))
		sa, err := unix.Getsockname(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Connect(c, sa); err != nil {
			t.Fatal(err)
		}
		nfd, _, err := inherit.Accept(l)
		if err != nil {
			t.Fatal(err)
		}
		unix.Close(l)
		return []int{c, nfd}
	}},
	{"RecvFds", func(t *testing.T) []int {
		pair, err := inherit.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(pair[0])
		defer unix.Close(pair[1])
		// Send an inheritable descriptor: its received copy must not be.
		r, w, _ := inherit.Pipe()
		inherit.SetInheritable(r, true)
		if _, err := inherit.SendFds(pair[0], []byte("x"), []int{r, w}); err != nil {
			t.Fatal(err)
		}
		unix.Close(r)
		unix.Close(w)
		buf := make([]byte, 8)
		n, fds, trunc, err := inherit.RecvFds(pair[1], buf, 4, 0)
		if err != nil || n != 1 || len(fds) != 2 || trunc {
			t.Fatalf("RecvFds = %d, %v, %v, %v", n, fds, trunc, err)
		}
		return fds
	}},
	{"Openpty", func(t *testing.T) []int {
		m, s, err := inherit.Openpty()
		if err != nil {
			t.Fatal(err)
		}
		return []int{m, s}
	}},
	{"NewWaker", func(t *testing.T) []int {
		w, err := inherit.NewWaker()
		if err != nil {
			t.Fatal(err)
		}
		return []int{w.Fd()}
	}},
	{"EpollCreate", func(t *testing.T) []int {
		return []int{must1(t)(inherit.EpollCreate())}
	}},
}

func must1(t *testing.T) func(int, error) int {
	return func(fd int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return fd
	}
}

func listener(t *testing.T) int {
	l, err := inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(l, 8); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestCreatorsChildSide checks every creator from a child's side: a new
// descriptor is not inherited; after SetInheritable(true) it is, and after
// SetInheritable(false) it is not again. Each runs on the atomic path and
// on the ForkLock fallback.
func TestCreatorsChildSide(t *testing.T) {
	for _, path := range []string{"atomic", "fallback"} {
		for _, c := range creators {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				defer inherit.SetForceFallback(path == "fallback")()
				fds := c.create(t)
				defer func() {
					for _, fd := range fds {
						unix.Close(fd)
					}
				}()
				for _, fd := range fds {
					if inh, err := inherit.Inheritable(fd); err != nil || inh {
						t.Fatalf("Inheritable(%d) = %v, %v; want false", fd, inh, err)
					}
				}
				child := fdtest.Inherited(t)
				for _, fd := range fds {
					if _, ok := child[fd]; ok {
						t.Errorf("child inherited new fd %d", fd)
					}
				}
				for _, fd := range fds {
					if err := inherit.SetInheritable(fd, true); err != nil {
						t.Fatal(err)
					}
				}
				child = fdtest.Inherited(t)
				for _, fd := range fds {
					if _, ok := child[fd]; !ok {
						t.Errorf("child did not inherit fd %d after SetInheritable(true); got %v", fd, fdtest.Numbers(child))
					}
				}
				for _, fd := range fds {
					if err := inherit.SetInheritable(fd, false); err != nil {
						t.Fatal(err)
					}
				}
				child = fdtest.Inherited(t)
				for _, fd := range fds {
					if _, ok := child[fd]; ok {
						t.Errorf("child inherited fd %d after SetInheritable(false)", fd)
					}
				}
			})
		}
	}
}

func TestDup2Inheritable(t *testing.T) {
	r, w, err := inherit.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(r)
	defer unix.Close(w)
	const fd2 = 210
	if err := inherit.Dup2(r, fd2, true); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd2)
	child := fdtest.Inherited(t)
	if got, ok := child[fd2]; !ok || got.Kind != "pipe" || got.Access != "r" {
		t.Fatalf("child sees fd %d as %+v (present %v); want the pipe's read end", fd2, got, ok)
	}
	if _, ok := child[r]; ok {
		t.Errorf("child inherited the source fd %d", r)
	}
	// Dup2 over an inheritable target with inheritable=false clears the flag.
	if err := inherit.Dup2(w, fd2, false); err != nil {
		t.Fatal(err)
	}
	if inh, _ := inherit.Inheritable(fd2); inh {
		t.Fatal("Dup2(w, fd2, false) left fd2 inheritable")
	}
	if _, ok := fdtest.Inherited(t)[fd2]; ok {
		t.Fatal("child inherited fd2 after Dup2(.., false)")
	}
}

func TestDup2Same(t *testing.T) {
	r, w, _ := inherit.Pipe()
	defer unix.Close(r)
	defer unix.Close(w)
	if err := inherit.Dup2(r, r, true); err != nil {
		t.Fatal(err)
	}
	if inh, _ := inherit.Inheritable(r); inh {
		t.Fatal("Dup2(fd, fd, true) changed the flag")
	}
	unix.Close(w)
	if err := inherit.Dup2(w, w, true); !errors.Is(err, syscall.EBADF) {
		t.Fatalf("Dup2 of a closed fd onto itself = %v; want EBADF", err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		errno syscall.Errno
		text  string
	}{
		{"open missing", second(inherit.Open("/nonexistent/x", unix.O_RDONLY, 0)), unix.ENOENT, "open /nonexistent/x: no such file or directory"},
		{"dup closed", second(inherit.Dup(-1)), unix.EBADF, "dup: bad file descriptor"},
		{"dup2 closed", inherit.Dup2(-1, 300, false), unix.EBADF, "dup2: bad file descriptor"},
		{"read closed", second(inherit.Read(-1, make([]byte, 1))), unix.EBADF, "read: bad file descriptor"},
		{"close closed", inherit.Close(-1), unix.EBADF, "close: bad file descriptor"},
		{"inheritable closed", second2(inherit.Inheritable(-1)), unix.EBADF, "get_inheritable: bad file descriptor"},
		{"set inheritable closed", inherit.SetInheritable(-1, true), unix.EBADF, "set_inheritable: bad file descriptor"},
		{"socket bad family", second(inherit.Socket(9999, unix.SOCK_STREAM, 0)), unix.EAFNOSUPPORT, "socket: address family not supported by protocol"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errno syscall.Errno
			if !errors.As(tt.err, &errno) || errno != tt.errno {
				t.Fatalf("err = %v; want errno %v", tt.err, tt.errno)
			}
			if tt.err.Error() != tt.text {
				t.Fatalf("err = %q; want %q", tt.err, tt.text)
			}
		})
	}
	var pe *fs.PathError
	if err := second(inherit.Open("/nonexistent/x", unix.O_RDONLY, 0)); !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open error %v is not a *fs.PathError matching fs.ErrNotExist", err)
	}
}

func second(_ int, err error) error   { return err }
func second2(_ bool, err error) error { return err }

func TestKindOf(t *testing.T) {
	r, w, _ := inherit.Pipe()
	defer unix.Close(r)
	defer unix.Close(w)
	s, _ := inherit.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	defer unix.Close(s)
	m, sl, err := inherit.Openpty()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(m)
	defer unix.Close(sl)
	f, _ := inherit.Open(os.DevNull, unix.O_RDONLY, 0)
	defer unix.Close(f)
	wk, _ := inherit.NewWaker()
	defer wk.Close()
	want := map[int]inherit.Kind{r: inherit.KindPipe, s: inherit.KindSocket, sl: inherit.KindTTY, f: inherit.KindFile, wk.Fd(): inherit.KindAnon}
	for fd, k := range want {
		if got, err := inherit.KindOf(fd); err != nil || got != k {
			t.Errorf("KindOf(%d) = %v, %v; want %v", fd, got, err, k)
		}
	}
	infos, err := inherit.ListFds()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]inherit.FdInfo{}
	for _, info := range infos {
		seen[info.Fd] = info
	}
	for fd, k := range want {
		if seen[fd].Kind != k {
			t.Errorf("ListFds: fd %d is %+v; want kind %v", fd, seen[fd], k)
		}
	}
	if seen[f].Target != os.DevNull {
		t.Errorf("ListFds: fd %d target %q; want %q", f, seen[f].Target, os.DevNull)
	}
}

func TestWaker(t *testing.T) {
	r, w, _ := inherit.Pipe()
	defer unix.Close(r)
	defer unix.Close(w)
	wk, err := inherit.NewWaker()
	if err != nil {
		t.Fatal(err)
	}
	defer wk.Close()
	if got, err := inherit.Wait(r, false, 0, wk.Fd()); err != nil || got != inherit.TimedOut {
		t.Fatalf("Wait on an empty pipe = %v, %v; want TimedOut", got, err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { wk.Wake() })
	if got, err := inherit.Wait(r, false, -1, wk.Fd()); err != nil || got != inherit.Woken {
		t.Fatalf("Wait = %v, %v; want Woken", got, err)
	}
	wg.Wait()
	wk.Wake() // twice is fine
	if err := wk.Reset(); err != nil {
		t.Fatal(err)
	}
	unix.Write(w, []byte("x"))
	if got, err := inherit.Wait(r, false, -1, wk.Fd()); err != nil || got != inherit.Ready {
		t.Fatalf("Wait on a readable pipe = %v, %v; want Ready", got, err)
	}
}

// TestFallbackRace spawns children while other goroutines create
// descriptors on the ForkLock fallback path: no child may see one.
func TestFallbackRace(t *testing.T) {
	defer inherit.SetForceFallback(true)()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := map[int]bool{}
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, w, err := inherit.Pipe()
				if err != nil {
					continue
				}
				mu.Lock()
				made[r], made[w] = true, true
				mu.Unlock()
				unix.Close(r)
				unix.Close(w)
			}
		})
	}
	before := fdtest.Inherited(t)
	for range 30 {
		for fd := range fdtest.Inherited(t) {
			if _, ok := before[fd]; !ok {
				t.Errorf("child inherited fd %d made on the fallback path", fd)
			}
		}
	}
	close(stop)
	wg.Wait()
	if len(made) == 0 {
		t.Fatal("no descriptors were made during the race")
	}
}
