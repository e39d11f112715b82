//go:build linux

package inherit_test

import (
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// TestSockcallErrors checks that the socket calls name the call and, where
// they take one, the address, and keep the errno.
func TestSockcallErrors(t *testing.T) {
	l := listener(t)
	sa, err := unix.Getsockname(l)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(l) // nothing listens on sa now
	s := must1(t)(inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0))
	defer unix.Close(s)
	err = inherit.Connect(s, sa)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "connect" || pe.Path != inherit.AddrString(sa) || !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("Connect to a closed port = %#v; want a PathError naming connect, %s, ECONNREFUSED", err, inherit.AddrString(sa))
	}
	u := must1(t)(inherit.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0))
	defer unix.Close(u)
	err = inherit.Bind(u, &unix.SockaddrUnix{Name: "/no/such/dir/sock"})
	if !errors.As(err, &pe) || pe.Op != "bind" || pe.Path != "/no/such/dir/sock" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Bind to a missing directory = %v", err)
	}
	var se *os.SyscallError
	if err := inherit.Listen(-1, 1); !errors.As(err, &se) || se.Syscall != "listen" {
		t.Errorf("Listen(-1) = %v; want a SyscallError naming listen", err)
	}
	if _, err := inherit.Recv(u, make([]byte, 1), 0); !errors.As(err, &se) || se.Syscall != "recv" {
		t.Errorf("Recv on an unconnected socket = %v", err)
	}
}

// TestSendClosedPeer checks that a send to a closed peer returns EPIPE: a
// SIGPIPE would kill a process that does not ignore it (a C host), and
// Send never raises one.
func TestSendClosedPeer(t *testing.T) {
	fds, err := inherit.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	unix.Close(fds[1])
	if _, err := inherit.Send(fds[0], []byte("x"), 0); !errors.Is(err, unix.EPIPE) {
		t.Fatalf("Send to a closed peer = %v; want EPIPE", err)
	}
	if n, err := inherit.Recv(fds[0], make([]byte, 1), 0); n != 0 || err != nil {
		t.Fatalf("Recv from a closed peer = %d, %v; want 0 (end of stream)", n, err)
	}
}

// TestConnectWait checks that ConnectWait completes a connection, returns
// the wait's own error when the wait gives up, and leaves the socket
// blocking either way.
func TestConnectWait(t *testing.T) {
	l := listener(t)
	defer unix.Close(l)
	sa, err := unix.Getsockname(l)
	if err != nil {
		t.Fatal(err)
	}
	blocking := func(fd int) {
		t.Helper()
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil || flags&unix.O_NONBLOCK != 0 {
			t.Errorf("socket flags %#x, %v: want it blocking", flags, err)
		}
	}
	c := must1(t)(inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0))
	defer unix.Close(c)
	err = inherit.ConnectWait(c, sa, func() error {
		_, err := inherit.Wait(c, true, 5*time.Second, -1)
		return err
	})
	if err != nil {
		t.Fatalf("ConnectWait = %v", err)
	}
	if _, err := unix.Getpeername(c); err != nil {
		t.Fatalf("not connected after ConnectWait: %v", err)
	}
	blocking(c)

	// A listener with a full queue stops answering: the wait gives up.
	full := must1(t)(inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0))
	defer unix.Close(full)
	if err := unix.Bind(full, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(full, 0); err != nil {
		t.Fatal(err)
	}
	fsa, _ := unix.Getsockname(full)
	errGaveUp := errors.New("gave up")
	gaveUp := false
	for range 8 {
		s := must1(t)(inherit.Socket(unix.AF_INET, unix.SOCK_STREAM, 0))
		defer unix.Close(s)
		err := inherit.ConnectWait(s, fsa, func() error {
			if r, _ := inherit.Wait(s, true, 200*time.Millisecond, -1); r == inherit.TimedOut {
				return errGaveUp
			}
			return nil
		})
		blocking(s)
		if err == errGaveUp {
			gaveUp = true
			break
		}
		if err != nil {
			t.Fatalf("ConnectWait = %v", err)
		}
	}
	if !gaveUp {
		t.Fatal("no connect to a full listener had to wait")
	}
}

// TestSocketTypeAndAddr checks SocketType and AddrString on each family.
func TestSocketTypeAndAddr(t *testing.T) {
	for _, c := range []struct {
		domain, typ int
		sa          unix.Sockaddr
		want        string
	}{
		{unix.AF_INET, unix.SOCK_DGRAM, &unix.SockaddrInet4{Port: 80, Addr: [4]byte{127, 0, 0, 1}}, "127.0.0.1:80"},
		{unix.AF_INET6, unix.SOCK_STREAM, &unix.SockaddrInet6{Port: 80, Addr: [16]byte{15: 1}}, "[::1]:80"},
		{unix.AF_UNIX, unix.SOCK_SEQPACKET, &unix.SockaddrUnix{Name: "/tmp/x"}, "/tmp/x"},
	} {
		fd, err := inherit.Socket(c.domain, c.typ, 0)
		if err != nil {
			t.Logf("skipping family %d: %v", c.domain, err)
			continue
		}
		domain, typ, err := inherit.SocketType(fd)
		unix.Close(fd)
		if err != nil || domain != c.domain || typ != c.typ {
			t.Errorf("SocketType = %d, %d, %v; want %d, %d", domain, typ, err, c.domain, c.typ)
		}
		if got := inherit.AddrString(c.sa); got != c.want {
			t.Errorf("AddrString = %q; want %q", got, c.want)
		}
	}
	r, w, _ := inherit.Pipe()
	defer unix.Close(r)
	defer unix.Close(w)
	if _, _, err := inherit.SocketType(r); !errors.Is(err, unix.ENOTSOCK) {
		t.Errorf("SocketType(pipe) = %v; want ENOTSOCK", err)
	}
}
