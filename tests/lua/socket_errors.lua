-- socket: failures return nil, message, errno naming the call and the
-- address; misuse raises "bad argument"; none of it stops the runtime.
local socket = require("socket")

-- a port that nothing listens on: bind one, note it, close it
local function closedPort()
  local s = assert(socket.socket())
  assert(s:bind("127.0.0.1", 0))
  local _, port = s:getsockname()
  s:close()
  return port
end

-- connection refused
local port = closedPort()
fails("ECONNREFUSED", "^connect: 127%.0%.0%.1:" .. port .. ": connection refused$",
  socket.create_connection, "127.0.0.1", port, 5)
local s = assert(socket.socket())
s:settimeout(5)
fails("ECONNREFUSED", "^connect: 127%.0%.0%.1:" .. port .. ": ", s.connect, s, "127.0.0.1", port)
s:close()

-- address in use: a second server on the same port, even with SO_REUSEADDR
local srv = assert(socket.create_server("127.0.0.1", 0))
local _, sport = srv:getsockname()
fails("EADDRINUSE", "^bind: 127%.0%.0%.1:" .. sport .. ": address already in use$",
  socket.create_server, "127.0.0.1", sport)
local b = assert(socket.socket())
fails("EADDRINUSE", "^bind: ", b.bind, b, "127.0.0.1", sport)
b:close()

-- bad addresses
local inet = assert(socket.socket("inet"))
fails("EAFNOSUPPORT", "^connect: %[::1%]:80: ", inet.connect, inet, "::1", 80)
fails("EADDRNOTAVAIL", "^bind: 203%.0%.113%.1:0: ", inet.bind, inet, "203.0.113.1", 0)
fails("ENOENT", "^connect: nope%.invalid:80: no such host$", inet.connect, inet, "nope.invalid", 80)
fails("ENOENT", "nope%.invalid", socket.create_connection, "nope.invalid", 80, 5)
fails("ENOENT", "nope%.invalid", socket.create_server, "nope.invalid", 0)
inet:close()
local six = socket.socket("inet6")
if six then
  fails("EAFNOSUPPORT", "^bind: 127%.0%.0%.1:0: ", six.bind, six, "127.0.0.1", 0)
  six:close()
end
local u = assert(socket.socket("unix"))
fails("ENOENT", "^connect: " .. T.tmpdir .. "/none: no such file or directory$", u.connect, u, T.tmpdir .. "/none")
fails("EINVAL", "^bind: ", u.bind, u, T.tmpdir .. "/" .. string.rep("x", 200))
fails("ENOENT", "^bind: ", u.bind, u, T.tmpdir .. "/no/such/dir")
u:close()
if not T.root then
  local p = assert(socket.socket())
  fails("EACCES", "^bind: 127%.0%.0%.1:1: permission denied$", p.bind, p, "127.0.0.1", 1)
  p:close()
end
fails("EOPNOTSUPP", "^socketpair: ", socket.socketpair, "inet")

-- calls in the wrong state
local fresh = assert(socket.socket())
fails("ENOTCONN", "^getpeername: ", fresh.getpeername, fresh)
fails("ENOTCONN", "^shutdown: ", fresh.shutdown, fresh, "rw")
fails("EINVAL", "^accept: ", fresh.accept, fresh)
fresh:close()

-- a closed peer: EPIPE on send, with MSG_NOSIGNAL (a SIGPIPE would end
-- the whole process, not return an error)
local a, z = assert(socket.socketpair())
z:close()
fails("EPIPE", "^send: broken pipe$", a.send, a, "x")
fails("EPIPE", "^send: ", a.sendall, a, "x")
fails("EPIPE", "^sendmsg: ", socket.send_fds, a, "x", { 0 })
eq(a:recv(10), "", "recv from a closed peer is end of stream")
a:close()
-- the same over TCP: the first send may still go, then EPIPE or ECONNRESET
srv:settimeout(5)
local c = assert(socket.create_connection("127.0.0.1", sport, 5))
local conn = assert(srv:accept())
conn:close()
local code
for _ = 1, 20 do
  local ok, _, e = c:send("x")
  if not ok then code = e break end
end
assert(code == os.errno.EPIPE or code == os.errno.ECONNRESET, "send to a closed TCP peer: " .. tostring(code))
c:close()

-- peer reset: linger 0 makes close send a RST
c = assert(socket.create_connection("127.0.0.1", sport, 5))
conn = assert(srv:accept())
conn:settimeout(5)
assert(c:setsockopt("linger", 0))
c:close()
fails("ECONNRESET", "^recv: connection reset by peer$", conn.recv, conn, 10)
conn:close()

-- fromfd of what is not a socket, or not the socket asked for
local r, w = os.pipe()
fails("ENOTSOCK", "^fromfd: ", socket.fromfd, r)
local x, y = socket.socketpair()
fails("EINVAL", "^fromfd: fd %d+ is a unix stream socket, not inet stream$", socket.fromfd, x:fileno(), "inet", "stream")
fails("EBADF", "^fromfd: ", socket.fromfd, 999)
os.close(r); os.close(w)

-- misuse raises
raises("bad argument #1 to 'socket' (invalid option 'ipx'", function() return socket.socket("ipx") end)
raises("bad argument #2 to 'socket' (invalid option 'raw'", function() return socket.socket("inet", "raw") end)
raises("bad argument #3 to 'socket' (number expected, got string)", function() return socket.socket("inet", "stream", "tcp") end)
raises("bad argument #1 to 'socketpair'", function() return socket.socketpair(1) end)
raises("bad argument #2 to 'create_connection' (port must be 0-65535, got 70000)", function() return socket.create_connection("127.0.0.1", 70000) end)
raises("bad argument #2 to 'create_connection' (port must be 0-65535, got -1)", function() return socket.create_connection("127.0.0.1", -1) end)
raises("bad argument #2 to 'create_connection' (number expected, got string)", function() return socket.create_connection("127.0.0.1", "http") end)
raises("bad argument #2 to 'create_connection' (number has no integer representation)", function() return socket.create_connection("127.0.0.1", 1.5) end)
raises("bad argument #3 to 'create_connection' (timeout must be a non-negative", function() return socket.create_connection("127.0.0.1", 1, -1) end)
raises("bad argument #1 to 'create_server' (string expected, got no value)", function() return socket.create_server() end)
raises("bad argument #1 to 'fromfd' (fd must be a non-negative integer", function() return socket.fromfd(-1) end)
raises("bad argument #1 to 'send_fds' (socket expected, got userdata)", function() return socket.send_fds(io.stdout, "x", {}) end)
raises("bad argument #3 to 'send_fds' (table expected, got number)", function() return socket.send_fds(x, "x", 1) end)
raises("bad argument #3 to 'send_fds' (fds[2] must be a descriptor number, file or socket, got string)", function() return socket.send_fds(x, "x", { 1, "2" }) end)
raises("bad argument #3 to 'send_fds' (fds[1] must be a descriptor number", function() return socket.send_fds(x, "x", { -1 }) end)
raises("bad argument #2 to 'recv_fds' (bufsize must be non-negative)", function() return socket.recv_fds(x, -1, 1) end)
raises("bad argument #3 to 'recv_fds' (maxfds must be 0-253)", function() return socket.recv_fds(x, 1, 1000) end)
raises("bad argument #1 to 'recv' (size must be non-negative)", function() return x:recv(-1) end)
raises("bad argument #1 to 'recv' (number expected, got no value)", function() return x:recv() end)
raises("bad argument #1 to 'settimeout' (timeout must be a non-negative number of seconds)", function() return x:settimeout(-1) end)
raises("bad argument #1 to 'settimeout' (timeout must be a non-negative number of seconds)", function() return x:settimeout(0/0) end)
raises("bad argument #1 to 'shutdown' (invalid option 'x' (expected 'r', 'w', 'rw'))", function() return x:shutdown("x") end)
raises("bad argument #1 to 'setsockopt' (invalid option 'nope'", function() return x:setsockopt("nope", 1) end)
raises("bad argument #2 to 'setsockopt' (boolean expected, got string)", function() return x:setsockopt("keepalive", "yes") end)
raises("bad argument #2 to 'setsockopt' (number expected, got boolean)", function() return x:setsockopt("rcvbuf", true) end)
raises("bad argument #2 to 'setsockopt' (number or false expected, got boolean)", function() return x:setsockopt("linger", true) end)
raises("bad argument #1 to 'getsockopt' (invalid option 'nope'", function() return x:getsockopt("nope") end)
raises("bad argument #2 to 'bind' (a unix socket's address is a path alone)", function() return x:bind("/tmp/x", 80) end)
raises("bad argument #1 to 'set_inheritable' (boolean expected, got no value)", function() return x:set_inheritable() end)
local t = assert(socket.socket())
raises("bad argument #2 to 'bind' (number expected, got no value)", function() return t:bind("127.0.0.1") end)
raises("bad argument #1 to 'connect' (string expected, got no value)", function() return t:connect() end)
raises("bad argument #3 to 'sendto' (port must be 0-65535, got 65536)", function() return t:sendto("x", "127.0.0.1", 65536) end)
raises("bad argument #1 to 'recv' (socket expected, got number)", function() return t.recv(1, 1) end)
raises("socket is closed", function() x:close() return x:recv(1) end)
raises("socket is closed", function() return socket.send_fds(x, "x", {}) end)
t:close(); y:close()

-- after all that, the runtime still works
local ok = assert(socket.create_connection("127.0.0.1", sport, 5))
local last = assert(srv:accept())
last:settimeout(5)
ok:sendall("alive")
eq(last:recv(5), "alive", "the runtime keeps working")
ok:close(); last:close(); srv:close()
