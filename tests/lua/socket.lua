-- socket: behaviour of every function and method on real connections:
-- inet, inet6, unix; stream, datagram, seqpacket; addresses, EOF,
-- timeouts, options, descriptor passing, and the closed-socket rules.
-- Every call that could wait has a timeout, so the test cannot hang.
local socket = require("socket")
local E = os.errno

-- recvall reads from s until n bytes or the end of the stream.
local function recvall(s, n)
  local parts, got = {}, 0
  while got < n do
    local data = assert(s:recv(n - got))
    if data == "" then break end
    parts[#parts + 1] = data
    got = got + #data
  end
  return table.concat(parts)
end

-- TCP over IPv4: create_server, create_connection, accept, addresses
local srv = assert(socket.create_server("127.0.0.1", 0))
eq(tostring(srv):match("^socket %(fd %d+, inet stream%)$") ~= nil, true, "tostring " .. tostring(srv))
eq(srv:getsockopt("reuseaddr"), true, "create_server sets SO_REUSEADDR")
srv:settimeout(5)
local host, port = srv:getsockname()
eq(host, "127.0.0.1", "server host")
eq(type(port), "number", "server port")
assert(port > 0, "a port was assigned")
local c = assert(socket.create_connection("127.0.0.1", port, 5))
eq(c:gettimeout(), 5, "create_connection keeps its timeout")
local conn, peer, peerport = srv:accept()
assert(conn, peer)
eq(conn:gettimeout(), nil, "an accepted socket has no timeout")
conn:settimeout(5)
local chost, cport = c:getsockname()
eq(peer, chost, "accept's host is the client's")
eq(peerport, cport, "accept's port is the client's")
local ph, pp = c:getpeername()
eq(ph, "127.0.0.1", "getpeername host")
eq(pp, port, "getpeername port")

eq(c:send("hello"), 5, "send returns the bytes sent")
eq(recvall(conn, 5), "hello", "recv")
eq(c:sendall(string.rep("x", 60000)), true, "sendall")
eq(#recvall(conn, 60000), 60000, "sendall sent everything")
eq(conn:recv(0), "", "recv(0)")

-- a big message in both directions at once does not deadlock sendall
-- when the reader keeps up: here, through a dup sharing the connection
local d = assert(conn:dup())
eq(d:get_inheritable(), false, "dup is non-inheritable")
eq(d:gettimeout(), 5, "dup keeps the timeout")
assert(d:fileno() ~= conn:fileno(), "dup has its own descriptor")
c:sendall("via dup")
eq(recvall(d, 7), "via dup", "dup reads the same connection")
d:close()

-- end of stream: shutdown("w") makes the peer's recv return ""
eq(c:shutdown("w"), true, "shutdown")
eq(conn:recv(10), "", "recv at end of stream")
eq(conn:recv(10), "", "recv at end of stream, again")
conn:sendall("still open the other way")
eq(recvall(c, 24), "still open the other way", "half-closed connection")
c:close()
conn:close()

-- the same through an explicit socket, bind, listen, connect
local l = assert(socket.socket("inet", "stream"))
eq(l:setsockopt("reuseaddr", true), true, "setsockopt")
eq(l:bind("127.0.0.1", 0), true, "bind")
eq(l:listen(), true, "listen")
l:settimeout(5)
local _, lport = l:getsockname()
local c2 = assert(socket.socket())
c2:settimeout(5)
eq(c2:connect("localhost", lport), true, "connect to a name")
local a2 = assert(l:accept())
c2:sendall("ping")
eq(recvall(a2, 4), "ping", "bind/listen/connect")
c2:close(); a2:close(); l:close()

-- IPv6, where the machine has it
local six = socket.socket("inet6")
if six and six:bind("::1", 0) then
  six:listen()
  six:settimeout(5)
  local _, p6 = six:getsockname()
  local c6 = assert(socket.create_connection("::1", p6, 5))
  local a6, h6 = assert(six:accept())
  eq(h6, "::1", "IPv6 peer host")
  c6:sendall("v6")
  eq(recvall(a6, 2), "v6", "IPv6 stream")
  local s6 = assert(socket.create_server("::1", 0))
  eq(s6:getsockopt("v6only"), true, "create_server on IPv6 is IPv6-only, as in Python")
  s6:close(); c6:close(); a6:close()
end
if six then six:close() end

-- unix stream: paths, unnamed peers
local path = T.tmpdir .. "/sock"
local us = assert(socket.socket("unix"))
eq(us:bind(path), true, "bind a path")
eq(us:listen(4), true, "listen")
us:settimeout(5)
eq(us:getsockname(), path, "getsockname is the path")
local uc = assert(socket.socket("unix"))
uc:settimeout(5)
eq(uc:connect(path), true, "connect to a path")
local ua, upeer = us:accept()
assert(ua, upeer)
eq(upeer, "", "an unnamed unix peer")
eq(uc:getpeername(), path, "getpeername is the server's path")
uc:sendall("unix")
eq(recvall(ua, 4), "unix", "unix stream")
uc:close(); ua:close(); us:close()
os.remove(path)

-- datagrams over IPv4: sendto and recvfrom
local u1 = assert(socket.socket("inet", "dgram"))
local u2 = assert(socket.socket("inet", "dgram"))
u1:settimeout(5); u2:settimeout(5)
assert(u1:bind("127.0.0.1", 0))
assert(u2:bind("127.0.0.1", 0))
local _, p1 = u1:getsockname()
local _, p2 = u2:getsockname()
eq(u2:sendto("one", "127.0.0.1", p1), 3, "sendto")
local data, fh, fp = u1:recvfrom(100)
eq(data, "one", "recvfrom data")
eq(fh, "127.0.0.1", "recvfrom host")
eq(fp, p2, "recvfrom port")
assert(u1:connect("127.0.0.1", p2))
u1:send("two")
eq(u2:recv(100), "two", "send on a connected datagram socket")
u1:send("")
eq(u2:recv(100), "", "an empty datagram")
u1:close(); u2:close()

-- datagrams over unix paths
local dp1, dp2 = T.tmpdir .. "/d1", T.tmpdir .. "/d2"
local d1 = assert(socket.socket("unix", "dgram"))
local d2 = assert(socket.socket("unix", "dgram"))
d1:settimeout(5); d2:settimeout(5)
assert(d1:bind(dp1)); assert(d2:bind(dp2))
eq(d2:sendto("hi", dp1), 2, "unix sendto")
local ddata, dfrom = d1:recvfrom(10)
eq(ddata, "hi", "unix recvfrom data")
eq(dfrom, dp2, "unix recvfrom path")
d1:close(); d2:close()

-- seqpacket keeps message boundaries
local q1, q2 = assert(socket.socketpair("unix", "seqpacket"))
q2:settimeout(5)
q1:send("first"); q1:send("second")
eq(q2:recv(100), "first", "seqpacket message 1")
eq(q2:recv(100), "second", "seqpacket message 2")
eq(tostring(q1):find("unix seqpacket") ~= nil, true, "tostring names the type")
q1:close()
eq(q2:recv(100), "", "seqpacket end")
q2:close()

-- timeouts: recv, accept, sendall on a full buffer; settimeout(0) is
-- non-blocking (EAGAIN), as in Python
local x, y = assert(socket.socketpair())
x:settimeout(0.05)
local r1, msg, errno = x:recv(10)
eq(r1, nil, "a timed-out recv fails")
eq(msg, "timeout", "timeout message")
eq(errno, E.ETIMEDOUT, "timeout errno")
eq(x:gettimeout(), 0.05, "gettimeout")
x:settimeout(0)
fails("EAGAIN", "^recv: ", x.recv, x, 10)
x:setblocking(false)
eq(x:gettimeout(), 0, "setblocking(false) is settimeout(0)")
x:setblocking(true)
eq(x:gettimeout(), nil, "setblocking(true) is settimeout(nil)")
x:settimeout(0.05)
local big = string.rep("z", 1048576)
fails("ETIMEDOUT", "^timeout$", x.sendall, x, big)
x:settimeout(nil)
eq(x:gettimeout(), nil, "settimeout(nil)")
x:close(); y:close()
local idle = assert(socket.create_server("127.0.0.1", 0))
idle:settimeout(0.05)
fails("ETIMEDOUT", "^timeout$", idle.accept, idle)
idle:settimeout(0)
fails("EAGAIN", "^accept: ", idle.accept, idle)
idle:close()

-- connect timeout: a listener with a backlog of 0 that never accepts
-- stops answering SYNs once its queue is full
local full = assert(socket.socket())
assert(full:bind("127.0.0.1", 0))
assert(full:listen(0))
local _, fport = full:getsockname()
local waiting, timedout = {}, false
for _ = 1, 8 do
  local s = assert(socket.socket())
  s:settimeout(0.2)
  waiting[#waiting + 1] = s
  local ok, m, e = s:connect("127.0.0.1", fport)
  if not ok then
    eq(m, "timeout", "connect timeout message")
    eq(e, E.ETIMEDOUT, "connect timeout errno")
    timedout = true
    break
  end
end
assert(timedout, "no connect timed out against a full backlog")
for _, s in ipairs(waiting) do s:close() end
full:close()

-- options: names, values as setsockopt takes them
local o = assert(socket.socket())
eq(o:setsockopt("nodelay", true), true, "nodelay")
eq(o:getsockopt("nodelay"), true, "nodelay read back")
eq(o:setsockopt("nodelay", 0), true, "a flag given as a number")
eq(o:getsockopt("nodelay"), false, "nodelay off")
eq(o:setsockopt("keepalive", true), true, "keepalive")
eq(o:getsockopt("keepalive"), true, "keepalive read back")
eq(o:setsockopt("reuseport", true), true, "reuseport")
eq(o:getsockopt("reuseport"), true, "reuseport read back")
eq(o:setsockopt("rcvbuf", 65536), true, "rcvbuf")
assert(o:getsockopt("rcvbuf") >= 65536, "rcvbuf read back")
eq(o:setsockopt("sndbuf", 65536), true, "sndbuf")
assert(o:getsockopt("sndbuf") >= 65536, "sndbuf read back")
eq(o:setsockopt("linger", 3), true, "linger")
eq(o:getsockopt("linger"), 3, "linger read back")
eq(o:setsockopt("linger", false), true, "linger off")
eq(o:getsockopt("linger"), false, "linger off read back")
o:close()

-- descriptor passing: numbers, files and sockets go; what arrives is
-- non-inheritable and works
local s1, s2 = assert(socket.socketpair())
s2:settimeout(5)
local r, w = os.pipe()
local f = assert(io.open(T.tmpdir .. "/passed", "w"))
local extra1, extra2 = socket.socketpair()
eq(socket.send_fds(s1, "fds", { w, f, extra1 }), 3, "send_fds")
local got, fds, truncated = socket.recv_fds(s2, 10, 4)
eq(got, "fds", "recv_fds data")
eq(#fds, 3, "three descriptors arrived")
eq(truncated, false, "not truncated")
for i, fd in ipairs(fds) do
  eq(os.get_inheritable(fd), false, "received fd " .. i .. " is non-inheritable")
end
os.write(fds[1], "through the received pipe")
eq(os.read(r, 100), "through the received pipe", "the received pipe works")
local rs = assert(socket.fromfd(fds[3]))
eq(tostring(rs):find("unix stream") ~= nil, true, "fromfd finds the family and type")
rs:sendall("through the received socket")
extra2:settimeout(5)
eq(recvall(extra2, 27), "through the received socket", "the received socket works")
rs:close()
for _, fd in ipairs(fds) do os.close(fd) end
-- more descriptors than maxfds: the rest are closed by the kernel
socket.send_fds(s1, "x", { r, r, r })
local _, few, cut = socket.recv_fds(s2, 10, 1)
eq(#few, 1, "maxfds bounds the descriptors")
eq(cut, true, "truncated is reported")
os.close(few[1])
-- no descriptors at all
socket.send_fds(s1, "plain", {})
local plain, none = socket.recv_fds(s2, 10, 2)
eq(plain, "plain", "send_fds with no descriptors")
eq(#none, 0, "no descriptors")
s1:close()
local eof, nofds = socket.recv_fds(s2, 10, 2)
eq(eof, "", "recv_fds at end of stream")
eq(#nofds, 0, "no descriptors at end of stream")
s2:close(); extra1:close(); extra2:close(); f:close()
os.close(r); os.close(w)

-- fromfd: a duplicate, the caller keeps its descriptor
local p1s, p2s = socket.socketpair("unix", "dgram")
local dupd = assert(socket.fromfd(p1s:fileno(), "unix", "dgram"))
assert(dupd:fileno() ~= p1s:fileno(), "fromfd duplicates")
dupd:close()
eq(p1s:send("still mine"), 10, "the original is still open")
eq(p2s:recv(20), "still mine", "and works")
p1s:close(); p2s:close()

-- closing: close is idempotent; a closed socket raises on use; os.close
-- of a socket's descriptor marks the socket closed
local cl = assert(socket.socket())
eq(cl:close(), true, "close")
eq(cl:close(), true, "close again does nothing")
eq(tostring(cl), "socket (closed)", "tostring of a closed socket")
raises("socket is closed", function() return cl:recv(1) end)
raises("socket is closed", function() return cl:fileno() end)
raises("socket is closed", function() return cl:settimeout(1) end)
local byfd = assert(socket.socket())
eq(os.close(byfd:fileno()), true, "os.close on a socket's fd")
raises("socket is closed", function() return byfd:send("x") end)
eq(byfd:close(), true, "close after os.close")

-- a send with nowhere to go on a datagram socket fails with the kernel's
-- EDESTADDRREQ, without the kernel binding the socket to a port first
for _, family in ipairs({"inet", "inet6"}) do
  local u = assert(socket.socket(family, "dgram"))
  fails("EDESTADDRREQ", "^send: ", u.send, u, "x")
  fails("EDESTADDRREQ", "^write: ", os.write, u:fileno(), "x")
  eq(select(2, u:getsockname()), 0, family .. " datagram socket still unbound")
  u:close()
end
