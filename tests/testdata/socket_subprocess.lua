-- socket with subprocess: a listening socket never reaches a child, so a
-- server can bind its port again at once after spawning; a socket can be
-- a child's stdin and stdout, and can be passed with pass_fds.
local socket = require("socket")
local subprocess = require("subprocess")

-- lsfdsKinds parses lsfds's output: fd -> kind.
local function lsfdsKinds(out)
  local kinds = {}
  for line in out:gmatch("[^\n]+") do
    local n, kind = line:match("^(%d+) (%S+)")
    if n then kinds[tonumber(n)] = kind end
  end
  return kinds
end

local function recvall(s)
  local parts = {}
  while true do
    local data = assert(s:recv(65536))
    if data == "" then return table.concat(parts) end
    parts[#parts + 1] = data
  end
end

-- Server restart: a long-running child is started while the server
-- listens; the server closes its socket and binds the same port again at
-- once. A listening socket leaked to the child would still be listening
-- there, and the bind would fail with EADDRINUSE.
--
-- Only with close_fds = true (the default): the child then closes every
-- descriptor it was not given before it execs. With close_fds = false the
-- kernel closes the non-inheritable ones during the exec, a moment after
-- Popen has returned, as it does for CPython's children (see
-- docs/subprocess.md).
for _, close_fds in ipairs({ true }) do
  local srv = assert(socket.create_server("127.0.0.1", 0))
  local _, port = srv:getsockname()
  srv:settimeout(5)
  local c = assert(socket.create_connection("127.0.0.1", port, 5))
  local conn = assert(srv:accept())
  local child = assert(subprocess.Popen({ "sleep", "30" }, { close_fds = close_fds }))
  srv:close()
  local again, msg = socket.create_server("127.0.0.1", port)
  assert(again, "close_fds=" .. tostring(close_fds) .. ": binding the port again failed: " .. tostring(msg))
  -- the accepted connection did not leak either: closing it ends the stream
  conn:close()
  c:settimeout(5)
  eq(c:recv(10), "", "close_fds=" .. tostring(close_fds) .. ": the peer sees the end at once")
  again:close(); c:close()
  child:kill()
  child:wait(10)
end

-- A socket as a child's stdin and stdout: cat echoes through it.
local a, b = assert(socket.socketpair())
a:settimeout(10)
local cat = assert(subprocess.Popen({ "cat" }, { stdin = b, stdout = b }))
b:close()
assert(a:sendall("through a socket"))
assert(a:shutdown("w"))
eq(recvall(a), "through a socket", "cat read and wrote the socket")
eq(cat:wait(10), 0, "cat's status")
eq(a:get_inheritable(), false, "the parent's socket is still non-inheritable")
a:close()

-- pass_fds: the child has the socket at the same number, the parent's
-- flag does not change.
local s = assert(socket.socket("inet", "dgram"))
local fd = s:fileno()
local p = assert(subprocess.Popen({ "lsfds" }, { pass_fds = { fd }, stdout = subprocess.PIPE }))
local out = p:communicate(nil, 10)
eq(p.returncode, 0, "lsfds status")
local kinds = lsfdsKinds(out)
eq(kinds[fd], "socket", "the child has the socket at fd " .. fd)
eq(s:get_inheritable(), false, "the parent's flag is unchanged")
-- without pass_fds it does not go
p = assert(subprocess.Popen({ "lsfds" }, { stdout = subprocess.PIPE }))
out = p:communicate(nil, 10)
kinds = lsfdsKinds(out)
eq(kinds[fd], nil, "without pass_fds the child has no fd " .. fd)
s:close()
