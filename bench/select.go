//go:build linux

package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/safesh/safesh/runtime"
	"golang.org/x/sys/unix"
)

// SelectWorkloads compare one call of select.select over 1,000 sockets
// (none ready) and of epoll.poll over 10,000 registered sockets (10
// ready): safesh's select module, CPython's select module, and the raw
// poll(2) and epoll_wait(2) they make.
var SelectWorkloads = []SpawnWorkload{
	{selectWorkload(), 2000},
	{epollWorkload(), 20000},
}

func selectWorkload() Workload {
	return Workload{
		Name: "select.select, 1000 sockets",
		Go: func(n int, dir string) error {
			var fds []int
			defer func() {
				for _, fd := range fds {
					unix.Close(fd)
				}
			}()
			pfds := make([]unix.PollFd, 0, 1000)
			for range 500 {
				p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				fds = append(fds, p[0], p[1])
				pfds = append(pfds, unix.PollFd{Fd: int32(p[0]), Events: unix.POLLIN}, unix.PollFd{Fd: int32(p[1]), Events: unix.POLLIN})
			}
			for range n {
				if _, err := unix.Poll(pfds, 0); err != nil && err != unix.EINTR {
					return err
				}
			}
			return nil
		},
		LuaSetup: `local socket, sel = require("socket"), require("select")
local socks = {}
for i = 1, 500 do local a, b = socket.socketpair() socks[#socks + 1] = a socks[#socks + 1] = b end
local empty, s = {}, sel.select`,
		Lua: `s(socks, empty, empty, 0)`,
		PySetup: `import socket, select
    socks = []
    for i in range(500):
        a, b = socket.socketpair(); socks += [a, b]
    s = select.select`,
		Py: `s(socks, [], [], 0)`,
	}
}

func epollWorkload() Workload {
	return Workload{
		Name: "epoll.poll, 10000 registered, 10 ready",
		Go: func(n int, dir string) error {
			ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
			if err != nil {
				return err
			}
			fds := []int{ep}
			defer func() {
				for _, fd := range fds {
					unix.Close(fd)
				}
			}()
			for i := range 5000 {
				p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return err
				}
				fds = append(fds, p[0], p[1])
				for _, fd := range p {
					ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
					if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
						return err
					}
				}
				if i < 10 {
					unix.Write(p[1], []byte("x"))
				}
			}
			events := make([]unix.EpollEvent, 1023) // as CPython and safesh ask by default
			for range n {
				if _, err := unix.EpollWait(ep, events, 0); err != nil && err != unix.EINTR {
					return err
				}
			}
			return nil
		},
		LuaSetup: `local socket, sel = require("socket"), require("select")
local ep = sel.epoll()
local keep = {}
for i = 1, 5000 do
  local a, b = socket.socketpair()
  keep[#keep + 1] = a keep[#keep + 1] = b
  ep:register(a, sel.EPOLLIN) ep:register(b, sel.EPOLLIN)
  if i <= 10 then b:send("x") end
end`,
		Lua: `ep:poll(0)`,
		PySetup: `import socket, select
    ep = select.epoll()
    keep = []
    for i in range(5000):
        a, b = socket.socketpair(); keep += [a, b]
        ep.register(a, select.EPOLLIN); ep.register(b, select.EPOLLIN)
        if i < 10: b.send(b"x")`,
		Py: `ep.poll(0)`,
	}
}

// EchoConns is the number of connections the echo comparison keeps busy.
const EchoConns = 100

// taskEchoLua is an echo server with a task per connection; it prints
// its port.
const taskEchoLua = `
local task, socket = require("task"), require("socket")
local srv = assert(socket.create_server("127.0.0.1", 0, 512))
local _, port = srv:getsockname()
io.write(port, "\n") io.stdout:flush()
task.run(function()
  while true do
    local c = srv:accept()
    if not c then break end
    task.spawn(function()
      while true do
        local d = c:recv(65536)
        if not d or d == "" then break end
        c:sendall(d)
      end
      c:close()
    end)
  end
end)
`

// asyncioEchoPy is CPython's asyncio echo server, with streams' lower
// layer (a Protocol), its fastest form; it prints its port.
const asyncioEchoPy = `
import asyncio, sys
class Echo(asyncio.Protocol):
    def connection_made(self, t): self.t = t
    def data_received(self, d): self.t.write(d)
async def main():
    srv = await asyncio.get_running_loop().create_server(Echo, "127.0.0.1", 0, backlog=512)
    print(srv.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
`

// selectorsEchoPy is an echo server on CPython's selectors module.
const selectorsEchoPy = `
import selectors, socket
sel = selectors.DefaultSelector()
srv = socket.create_server(("127.0.0.1", 0), backlog=512)
srv.setblocking(False)
print(srv.getsockname()[1], flush=True)
sel.register(srv, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is srv:
            c, _ = srv.accept(); c.setblocking(False); sel.register(c, selectors.EVENT_READ)
        else:
            d = s.recv(65536)
            if d:
                s.sendall(d)
            else:
                sel.unregister(s); s.close()
`

// EchoSafesh measures the task echo server: requests per second with
// EchoConns connections each sending a 64-byte request and waiting for
// its reply, for d.
func EchoSafesh(d time.Duration) (float64, error) {
	pr := &portReader{ch: make(chan string, 1)}
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(pr))
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.DoString(ctx, taskEchoLua, "echo") }()
	defer func() {
		cancel()
		<-done
		r.Close()
	}()
	var port string
	select {
	case port = <-pr.ch:
	case err := <-done:
		return 0, err
	}
	return drive(port, d)
}

// EchoPython measures a CPython echo server (asyncio or selectors) as
// EchoSafesh measures safesh's.
func EchoPython(python, server string, d time.Duration) (float64, error) {
	code := asyncioEchoPy
	if server == "selectors" {
		code = selectorsEchoPy
	}
	cmd := exec.Command(python, "-c", code)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("python echo server: %v", err)
	}
	return drive(strings.TrimSpace(line), d)
}

// drive keeps EchoConns connections to port busy for d and returns the
// replies per second.
func drive(port string, d time.Duration) (float64, error) {
	var total atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	stop := time.Now().Add(d)
	conns := make([]net.Conn, EchoConns)
	for i := range conns {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			return 0, err
		}
		conns[i] = c
	}
	start := time.Now()
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			msg := []byte(strings.Repeat("x", 63) + "\n")
			buf := make([]byte, 64)
			for time.Now().Before(stop) {
				if _, err := c.Write(msg); err != nil {
					firstErr.Store(err)
					return
				}
				got := 0
				for got < len(msg) {
					n, err := c.Read(buf[got:])
					if err != nil {
						firstErr.Store(err)
						return
					}
					got += n
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return 0, err
	}
	return float64(total.Load()) / time.Since(start).Seconds(), nil
}

// portReader passes on the first line written to it.
type portReader struct {
	buf  strings.Builder
	ch   chan string
	sent bool
}

func (p *portReader) Write(b []byte) (int, error) {
	p.buf.Write(b)
	if s := p.buf.String(); !p.sent && strings.Contains(s, "\n") {
		p.sent = true
		p.ch <- strings.TrimSpace(s[:strings.Index(s, "\n")])
	}
	return len(b), nil
}
