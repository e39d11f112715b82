#!/usr/bin/env safesh
-- A pre-fork server: the parent creates the listening socket and starts
-- worker processes that all accept on it, systemd style: each worker finds
-- the socket at descriptor 3 and LISTEN_FDS=1 in its environment. Nothing
-- else of the parent's reaches the workers: the socket is handed over with
-- pass_fds, not by making it inheritable.
--
-- usage: safesh prefork_server.lua            (runs a demonstration)
--        safesh prefork_server.lua worker N   (a worker: answers N clients)

local socket = require("socket")
local subprocess = require("subprocess")

if arg[1] == "worker" then
  assert(os.getenv("LISTEN_FDS") == "1", "a worker expects LISTEN_FDS=1")
  local listener = assert(socket.fromfd(3)) -- a non-inheritable duplicate of fd 3
  os.close(3)
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
local fd = server:fileno()

-- pass_fds keeps the number, so the socket arrives as fd; the shell moves
-- it to 3, the number systemd uses, and the worker takes it from there.
-- (The parent cannot simply dup2 onto 3: the Go runtime may hold it.)
local workers = {}
for i = 1, WORKERS do
  workers[i] = assert(subprocess.Popen(
    { "/bin/sh", "-c", 'exec 3<&' .. fd .. ' ' .. fd .. '<&-; exec "$0" "$@"',
      interpreter, arg[0], "worker", tostring(EACH) },
    { pass_fds = { fd }, env = { LISTEN_FDS = "1", PATH = os.getenv("PATH") } }))
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
