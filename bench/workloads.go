//go:build linux

package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// A Workload is one operation, written three ways. Each loop body runs n
// times; setup code runs once before the loop, untimed. Lua and Python
// code may use the variable dir, a scratch directory.
type Workload struct {
	Name     string
	Go       func(n int, dir string) error // the raw x/sys calls
	LuaSetup string
	Lua      string
	PySetup  string
	Py       string
}

// Workloads are the operations compared, in report order.
var Workloads = []Workload{
	{
		Name: "open+close",
		Go: func(n int, dir string) error {
			for range n {
				fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
				if err != nil {
					return err
				}
				unix.Close(fd)
			}
			return nil
		},
		LuaSetup: `local open, close = os.open, os.close`,
		Lua:      `close(open("/dev/null", "r"))`,
		PySetup:  `open_, close = os.open, os.close`,
		Py:       `close(open_("/dev/null", os.O_RDONLY))`,
	},
	{
		Name: "pipe+close",
		Go: func(n int, dir string) error {
			var p [2]int
			for range n {
				if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
					return err
				}
				unix.Close(p[0])
				unix.Close(p[1])
			}
			return nil
		},
		LuaSetup: `local pipe, close = os.pipe, os.close`,
		Lua:      `local r, w = pipe() close(r) close(w)`,
		PySetup:  `pipe, close = os.pipe, os.close`,
		Py:       `r, w = pipe(); close(r); close(w)`,
	},
	{
		Name: "dup+close",
		Go: func(n int, dir string) error {
			for range n {
				fd, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 0)
				if err != nil {
					return err
				}
				unix.Close(fd)
			}
			return nil
		},
		LuaSetup: `local dup, close = os.dup, os.close`,
		Lua:      `close(dup(0))`,
		PySetup:  `dup, close = os.dup, os.close`,
		Py:       `close(dup(0))`,
	},
	{
		Name: "dup2(inheritable=false)",
		Go: func(n int, dir string) error {
			for range n {
				if err := unix.Dup3(0, 100, unix.O_CLOEXEC); err != nil {
					return err
				}
			}
			return unix.Close(100)
		},
		LuaSetup: `local dup2 = os.dup2`,
		Lua:      `dup2(0, 100, false)`,
		PySetup:  `dup2 = os.dup2`,
		Py:       `dup2(0, 100, inheritable=False)`,
	},
	{
		Name: "get_inheritable",
		Go: func(n int, dir string) error {
			for range n {
				if _, err := unix.FcntlInt(0, unix.F_GETFD, 0); err != nil {
					return err
				}
			}
			return nil
		},
		LuaSetup: `local get = os.get_inheritable`,
		Lua:      `get(0)`,
		PySetup:  `get = os.get_inheritable`,
		Py:       `get(0)`,
	},
	{
		Name: "set_inheritable",
		Go: func(n int, dir string) error {
			fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			for range n {
				if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
					return err
				}
			}
			return nil
		},
		LuaSetup: `local set = os.set_inheritable local fd = os.open("/dev/null", "r")`,
		Lua:      `set(fd, false)`,
		PySetup:  `set_ = os.set_inheritable; fd = os.open("/dev/null", os.O_RDONLY)`,
		Py:       `set_(fd, False)`,
	},
	{
		Name:     "read 64B",
		Go:       ioLoop("/dev/zero", unix.O_RDONLY, 64, unix.Read),
		LuaSetup: `local read = os.read local fd = os.open("/dev/zero", "r")`,
		Lua:      `read(fd, 64)`,
		PySetup:  `read = os.read; fd = os.open("/dev/zero", os.O_RDONLY)`,
		Py:       `read(fd, 64)`,
	},
	{
		Name:     "read 4KiB",
		Go:       ioLoop("/dev/zero", unix.O_RDONLY, 4096, unix.Read),
		LuaSetup: `local read = os.read local fd = os.open("/dev/zero", "r")`,
		Lua:      `read(fd, 4096)`,
		PySetup:  `read = os.read; fd = os.open("/dev/zero", os.O_RDONLY)`,
		Py:       `read(fd, 4096)`,
	},
	{
		Name:     "write 4KiB",
		Go:       ioLoop("/dev/null", unix.O_WRONLY, 4096, func(fd int, p []byte) (int, error) { return unix.Write(fd, p) }),
		LuaSetup: `local write = os.write local fd = os.open("/dev/null", "w") local s = string.rep("x", 4096)`,
		Lua:      `write(fd, s)`,
		PySetup:  `write = os.write; fd = os.open("/dev/null", os.O_WRONLY); s = b"x" * 4096`,
		Py:       `write(fd, s)`,
	},
	{
		Name: "io.open+close",
		Go: func(n int, dir string) error {
			for range n {
				fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
				if err != nil {
					return err
				}
				unix.Close(fd)
			}
			return nil
		},
		LuaSetup: `local open = io.open`,
		Lua:      `open("/dev/null"):close()`,
		PySetup:  `open_ = open`,
		Py:       `open_("/dev/null", "rb").close()`,
	},
	{
		Name: "openpty+close",
		Go: func(n int, dir string) error {
			for range n {
				m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
				if err != nil {
					return err
				}
				if err := unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0); err != nil {
					return err
				}
				s, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(m), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
				if errno != 0 {
					return errno
				}
				unix.Close(int(s))
				unix.Close(m)
			}
			return nil
		},
		LuaSetup: `local openpty, close = os.openpty, os.close`,
		Lua:      `local m, s = openpty() close(s) close(m)`,
		PySetup:  `openpty, close = os.openpty, os.close`,
		Py:       `m, s = openpty(); close(s); close(m)`,
	},
	{
		Name: "socket+close",
		Go: func(n int, dir string) error {
			for range n {
				fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				unix.Close(fd)
			}
			return nil
		},
		LuaSetup: `local new = require("socket").socket`,
		Lua:      `new():close()`,
		PySetup:  `import socket; new = socket.socket`,
		Py:       `new().close()`,
	},
	{
		Name: "socketpair+close",
		Go: func(n int, dir string) error {
			for range n {
				fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				unix.Close(fds[0])
				unix.Close(fds[1])
			}
			return nil
		},
		LuaSetup: `local pair = require("socket").socketpair`,
		Lua:      `local a, b = pair() a:close() b:close()`,
		PySetup:  `import socket; pair = socket.socketpair`,
		Py:       `a, b = pair(); a.close(); b.close()`,
	},
	{
		// One loopback TCP connection made, accepted and closed (the
		// client first, so that TIME_WAIT stays on the client's side,
		// which Linux reuses on loopback).
		Name: "tcp connect+accept",
		Go: func(n int, dir string) error {
			l, sa, err := tcpListener()
			if err != nil {
				return err
			}
			defer unix.Close(l)
			for range n {
				c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				if err := unix.Connect(c, sa); err != nil {
					unix.Close(c)
					return err
				}
				s, _, err := unix.Accept4(l, unix.SOCK_CLOEXEC)
				unix.Close(c)
				if err != nil {
					return err
				}
				unix.Close(s)
			}
			return nil
		},
		LuaSetup: `local socket = require("socket") local new = socket.socket
			local srv = assert(socket.create_server("127.0.0.1", 0)) local _, port = srv:getsockname()`,
		Lua:     `local c = new() c:connect("127.0.0.1", port) local s = srv:accept() c:close() s:close()`,
		PySetup: `import socket; new = socket.socket; srv = socket.create_server(("127.0.0.1", 0)); addr = srv.getsockname()`,
		Py:      `c = new(); c.connect(addr); s, _ = srv.accept(); c.close(); s.close()`,
	},
	tcpEcho(1 << 10),
	tcpEcho(16 << 10),
}

// ioLoop returns a Go loop that opens path and calls op (a read or a
// write) n times with a buffer of size bytes.
func ioLoop(path string, flag, size int, op func(fd int, p []byte) (int, error)) func(n int, dir string) error {
	return func(n int, dir string) error {
		fd, err := unix.Open(path, flag|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		buf := make([]byte, size)
		for range n {
			if _, err := op(fd, buf); err != nil {
				return err
			}
		}
		return nil
	}
}

// RunGo times w's Go loop and returns the cost of one operation.
func RunGo(w Workload, n int, dir string) (time.Duration, error) {
	start := time.Now()
	if err := w.Go(n, dir); err != nil {
		return 0, fmt.Errorf("%s: %w", w.Name, err)
	}
	return time.Since(start) / time.Duration(n), nil
}

// RunLua times w's Lua loop in a fresh safesh runtime, as the command line
// sets one up, and returns the cost of one operation.
func RunLua(w Workload, n int, dir string) (time.Duration, error) {
	r, err := runtime.New(runtime.Unrestricted(), runtime.ExitProcess())
	if err != nil {
		return 0, err
	}
	defer r.Close()
	L := r.LState()
	code := fmt.Sprintf("local dir = %q\n%s\nreturn function(n) for _ = 1, n do %s end end", dir, w.LuaSetup, w.Lua)
	if err := r.DoString(context.Background(), "bench_loop = (function() "+code+" end)()", w.Name); err != nil {
		return 0, err
	}
	loop := L.GetGlobal("bench_loop")
	start := time.Now()
	if err := L.CallByParam(lua.P{Fn: loop, Protect: true}, lua.LNumber(n)); err != nil {
		return 0, fmt.Errorf("%s: %w", w.Name, err)
	}
	return time.Since(start) / time.Duration(n), nil
}

// PythonScript returns a Python program that runs every workload n times
// and prints "name<TAB>nanoseconds per operation" for each.
func PythonScript(ws []Workload, n int, dir string) string {
	s := "import os, time\ndir = " + fmt.Sprintf("%q", dir) + "\n"
	for i, w := range ws {
		if w.Py == "" {
			continue
		}
		s += fmt.Sprintf("def w%d(n):\n    %s\n    t = time.perf_counter_ns()\n    for _ in range(n):\n        %s\n    return (time.perf_counter_ns() - t) / n\n", i, w.PySetup, w.Py)
		s += fmt.Sprintf("print(%q + '\\t' + str(w%d(%d)), flush=True)\n", w.Name, i, n)
	}
	return s
}

// tcpEcho is a workload that sends size bytes over loopback TCP and echoes
// them back: a round trip of 2*size bytes. Each form receives into a new
// buffer or string, as a script must.
func tcpEcho(size int) Workload {
	return Workload{
		Name: fmt.Sprintf("tcp echo %dKiB", size>>10),
		Go: func(n int, dir string) error {
			c, s, err := tcpPair()
			if err != nil {
				return err
			}
			defer unix.Close(c)
			defer unix.Close(s)
			msg := make([]byte, size)
			buf := make([]byte, size)
			for range n {
				if _, err := unix.Write(c, msg); err != nil {
					return err
				}
				if _, _, err := unix.Recvfrom(s, buf, unix.MSG_WAITALL); err != nil {
					return err
				}
				if _, err := unix.Write(s, buf); err != nil {
					return err
				}
				if _, _, err := unix.Recvfrom(c, buf, unix.MSG_WAITALL); err != nil {
					return err
				}
			}
			return nil
		},
		LuaSetup: fmt.Sprintf(`local socket, size = require("socket"), %d
			local srv = assert(socket.create_server("127.0.0.1", 0)) local _, port = srv:getsockname()
			local c = assert(socket.create_connection("127.0.0.1", port)) local s = assert(srv:accept())
			local msg = string.rep("x", size)
			local function recvn(sock, n) local got = sock:recv(n) if #got == n then return got end
				local parts, have = { got }, #got
				while have < n do local more = sock:recv(n - have) if more == "" then break end
					parts[#parts + 1] = more have = have + #more end
				return table.concat(parts) end`, size),
		Lua: `c:sendall(msg) s:sendall(recvn(s, size)) recvn(c, size)`,
		PySetup: fmt.Sprintf(`import socket; srv = socket.create_server(("127.0.0.1", 0)); c = socket.create_connection(srv.getsockname()); `+
			`s, _ = srv.accept(); size = %d; msg = b"x" * size; W = socket.MSG_WAITALL`, size),
		Py: `c.sendall(msg); s.sendall(s.recv(size, W)); c.recv(size, W)`,
	}
}

// tcpListener returns a loopback TCP socket listening on a free port, and
// its address.
func tcpListener() (int, unix.Sockaddr, error) {
	l, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, nil, err
	}
	err = unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	if err == nil {
		err = unix.Listen(l, 128)
	}
	var sa unix.Sockaddr
	if err == nil {
		sa, err = unix.Getsockname(l)
	}
	if err != nil {
		unix.Close(l)
		return -1, nil, err
	}
	return l, sa, nil
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair() (c, s int, err error) {
	l, sa, err := tcpListener()
	if err != nil {
		return -1, -1, err
	}
	defer unix.Close(l)
	if c, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0); err != nil {
		return -1, -1, err
	}
	if err = unix.Connect(c, sa); err == nil {
		s, _, err = unix.Accept4(l, unix.SOCK_CLOEXEC)
	}
	if err != nil {
		unix.Close(c)
		return -1, -1, err
	}
	return c, s, nil
}

// TempDir makes a scratch directory for the workloads.
func TempDir() (string, error) { return os.MkdirTemp("", "safesh-bench") }
