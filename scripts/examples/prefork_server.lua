#!/usr/bin/env safesh
-- A pre-fork server: the parent creates the listening socket and starts
-- worker processes that all accept on it, systemd style: listen_fds gives
-- each worker the socket at descriptor 3, with LISTEN_FDS, LISTEN_FDNAMES
-- and LISTEN_PID (the worker's own pid) in its environment, and the worker
-- takes it with socket.listen_fds(), as sd_listen_fds(3) does. Nothing
-- else of the parent's reaches the workers.
--
-- usage: safesh prefork_server.lua            (runs a demonstration)
--        safesh prefork_server.lua worker N   (a worker: answers N clients)

local socket = require("socket")
local subprocess = require("subprocess")

if arg[1] == "worker" then
  local fds = socket.listen_fds() -- fd 3, now close-on-exec; the variables are unset
  assert(#fds == 1 and fds[1].name == "http", "a worker expects one socket named http")
  local listener = fds[1]
  listener:settimeout(20)
  for _ = 1, tonumber(arg[2]) do
    local conn = assert(listener:accept())
    conn:settimeout(20)
    local request = assert(conn:recv(100))
    assert(conn:sendall("worker " .. os.getpid() .. " got " .. request))
    conn:close()
  end
  os.exit(0)
end

local interpreter = arg[-1] or "safesh"
local WORKERS, EACH = 2, 2

local server = assert(socket.create_server("127.0.0.1", 0))
local _, port = server:getsockname()

-- The socket becomes the worker's fd 3 in the child only, whatever the
-- parent holds at 3 (the Go runtime's own descriptor, often).
local workers = {}
for i = 1, WORKERS do
  workers[i] = assert(subprocess.Popen(
    { interpreter, arg[0], "worker", tostring(EACH) },
    { listen_fds = { { server, "http" } } }))
end
server:close() -- the workers hold the listening socket now

local seen = {}
for i = 1, WORKERS * EACH do
  local c = assert(socket.create_connection("127.0.0.1", port, 20))
  assert(c:sendall("request " .. i))
  local reply = {}
  while true do
    local data = assert(c:recv(100))
    if data == "" then break end
    reply[#reply + 1] = data
  end
  c:close()
  reply = table.concat(reply)
  print(reply)
  seen[reply:match("^worker (%d+)")] = true
end

for i, w in ipairs(workers) do
  assert(w:wait(20) == 0, "worker " .. i .. " failed")
end
local n = 0
for _ in pairs(seen) do n = n + 1 end
print(string.format("%d requests answered by %d worker(s) sharing one listening socket", WORKERS * EACH, n))
