#!/usr/bin/env safesh
-- Privilege separation: a helper process opens a file (in real life, one
-- the main process may not open itself) and hands the open descriptor
-- over a unix socket with send_fds. The main process never opens the
-- file; the descriptor it receives is non-inheritable, so none of its
-- own children can inherit it by accident.
--
-- usage: safesh privsep_fds.lua                 (runs a demonstration)
--        safesh privsep_fds.lua opener FD PATH  (the helper)

local socket = require("socket")
local subprocess = require("subprocess")

if arg[1] == "opener" then
  local chan = assert(socket.fromfd(tonumber(arg[2]), "unix", "stream"))
  os.close(tonumber(arg[2]))
  local f, err = io.open(arg[3], "r")
  if not f then
    assert(chan:sendall("error: " .. err))
  else
    assert(socket.send_fds(chan, "ok", { f }))
    f:close() -- our copy; the receiver has its own
  end
  chan:close()
  os.exit(0)
end

local mine, theirs = assert(socket.socketpair())
mine:settimeout(20)
local helper = assert(subprocess.Popen(
  { arg[-1] or "safesh", arg[0], "opener", tostring(theirs:fileno()), arg[0] },
  { pass_fds = { theirs:fileno() } }))
theirs:close()

local status, fds = socket.recv_fds(mine, 100, 1)
assert(status == "ok", "the helper said: " .. tostring(status))
local fd = fds[1]
assert(os.get_inheritable(fd) == false, "a received descriptor must be non-inheritable")
local f = os.fdopen(fd, "r")
local first = f:read("*l")
f:close()
print("received fd " .. fd .. " (non-inheritable); its first line: " .. first)
assert(helper:wait(20) == 0, "the helper failed")
mine:close()
