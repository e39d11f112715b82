-- socket: every way of getting a socket gives a non-inheritable
-- descriptor, proven from a child's side (lsfds); set_inheritable(true)
-- makes a child see it, set_inheritable(false) hides it again.
local socket = require("socket")

local made = {} -- name -> socket objects
made.socket_inet = { assert(socket.socket("inet")) }
made.socket_unix_dgram = { assert(socket.socket("unix", "dgram")) }
made.socket_seqpacket = { assert(socket.socket("unix", "seqpacket")) }
local six = socket.socket("inet6")
if six then made.socket_inet6 = { six } end
made.socketpair = { assert(socket.socketpair()) }
local srv = assert(socket.create_server("127.0.0.1", 0))
srv:settimeout(5)
made.create_server = { srv }
local _, port = srv:getsockname()
made.create_connection = { assert(socket.create_connection("127.0.0.1", port, 5)) }
made.accept = { (assert(srv:accept())) }
made.dup = { assert(made.accept[1]:dup()) }
made.fromfd = { assert(socket.fromfd(made.create_connection[1]:fileno())) }

-- descriptors that arrive with recv_fds (numbers, not socket objects)
local s1, s2 = assert(socket.socketpair())
s2:settimeout(5)
made.socketpair[3], made.socketpair[4] = s1, s2
local pr, pw = os.pipe()
os.set_inheritable(pr, true) -- the sender's flag must not travel
socket.send_fds(s1, "x", { pr, pw, s1 })
local _, received = socket.recv_fds(s2, 1, 4)
eq(#received, 3, "three descriptors received")

local function each(fn)
  for name, socks in pairs(made) do
    for _, s in ipairs(socks) do fn(name, s:fileno(), s) end
  end
  for i, fd in ipairs(received) do fn("recv_fds " .. i, fd) end
end

local child = T.inherited()
each(function(name, fd, s)
  if s then eq(s:get_inheritable(), false, name .. " get_inheritable") end
  eq(os.get_inheritable(fd), false, name .. " flag")
  eq(child[fd], nil, name .. ": the child must not see fd " .. fd)
end)

each(function(name, fd, s)
  if s then eq(s:set_inheritable(true), true, name .. " set_inheritable") else os.set_inheritable(fd, true) end
end)
child = T.inherited()
each(function(name, fd, s)
  if s then eq(s:get_inheritable(), true, name .. " get_inheritable after set_inheritable(true)") end
  assert(child[fd], name .. ": the child must see fd " .. fd .. " after set_inheritable(true)")
  if s then eq(child[fd], "socket", name .. ": the child sees a socket") end
end)
eq(child[received[1]], "pipe", "the received pipe end is a pipe in the child")

each(function(name, fd, s)
  if s then s:set_inheritable(false) else os.set_inheritable(fd, false) end
end)
child = T.inherited()
each(function(name, fd)
  eq(child[fd], nil, name .. ": the child must not see fd " .. fd .. " after set_inheritable(false)")
end)

each(function(name, fd, s)
  if s then s:close() else os.close(fd) end
end)
os.close(pr); os.close(pw)
