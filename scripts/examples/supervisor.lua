#!/usr/bin/env safesh
-- A supervisor: N workers share one listening socket (listen_fds gives
-- each the socket at fd 3, systemd style); a worker that dies is started
-- again, SIGHUP restarts them all, SIGTERM stops them all and ends the
-- supervisor. SIGCHLD tells it when to look.
--
-- usage: safesh supervisor.lua                 (runs a demonstration)
--        safesh supervisor.lua serve PORT N    (supervises N workers on PORT until SIGTERM)
--        safesh supervisor.lua worker          (a worker: answers until killed)

local signal = require("signal")
local socket = require("socket")
local subprocess = require("subprocess")
local time = require("time")

if arg[1] == "worker" then
  local listener = socket.listen_fds()[1]
  while true do
    local conn = assert(listener:accept())
    conn:settimeout(20)
    local request = conn:recv(100)
    if request and request ~= "" then conn:sendall("worker " .. os.getpid() .. " got " .. request) end
    conn:close()
  end
end

local interpreter = arg[-1] or "safesh"

-- supervisor(server, n) returns an object that keeps n workers on server.
local function supervisor(server, n)
  local self = { workers = {}, started = 0 }
  local dirty, hup, term = false, false, false
  signal.signal(signal.SIGCHLD, function() dirty = true end)
  signal.signal(signal.SIGHUP, function() hup = true end)
  signal.signal(signal.SIGTERM, function() term = true end)

  local function start(i)
    self.workers[i] = assert(subprocess.Popen({ interpreter, arg[0], "worker" },
      { listen_fds = { { server, "http" } } }))
    self.started = self.started + 1
  end
  local function stop_all()
    for _, w in pairs(self.workers) do w:terminate() end
    for _, w in pairs(self.workers) do w:wait() end
  end
  for i = 1, n do start(i) end

  -- step does what the signals that came ask for; it returns false once
  -- SIGTERM has stopped everything.
  function self.step()
    if term then
      stop_all()
      return false
    end
    if hup then
      hup = false
      stop_all()
      for i = 1, n do start(i) end
    end
    if dirty then
      dirty = false
      for i, w in pairs(self.workers) do
        if w:poll() ~= nil then start(i) end -- died: start another
      end
    end
    return true
  end
  function self.pids()
    local p = {}
    for i = 1, n do p[i] = self.workers[i].pid end
    return p
  end
  return self
end

if arg[1] == "serve" then
  local server = assert(socket.create_server("127.0.0.1", tonumber(arg[2])))
  local sup = supervisor(server, tonumber(arg[3] or 2))
  while sup.step() do time.sleep(1) end -- a signal cuts the sleep short
  os.exit(0)
end

-- The demonstration.
local N = 2
local server = assert(socket.create_server("127.0.0.1", 0))
local _, port = server:getsockname()
local sup = supervisor(server, N)

local function ask(what)
  local c = assert(socket.create_connection("127.0.0.1", port, 20))
  assert(c:sendall(what))
  local reply = {}
  while true do
    local data = assert(c:recv(100))
    if data == "" then break end
    reply[#reply + 1] = data
  end
  c:close()
  return table.concat(reply)
end

-- until(cond) runs the supervisor until cond() holds (10 s at most).
local function until_(cond, what)
  local t0 = time.monotonic()
  while not cond() do
    assert(time.monotonic() - t0 < 10, "timed out: " .. what)
    sup.step()
    time.sleep(0.02)
  end
end

print(ask("hello"))
local first = sup.pids()

-- a worker dies: SIGCHLD, and the supervisor starts another
sup.workers[1]:kill()
until_(function() return sup.workers[1].pid ~= first[1] end, "restart after a death")
print("worker " .. first[1] .. " died; worker " .. sup.workers[1].pid .. " took its place")
print(ask("after a death"))

-- SIGHUP: every worker is replaced
local before = sup.pids()
signal.raise_signal(signal.SIGHUP) -- as `kill -HUP <pid>` would
sup.step()
for i, pid in ipairs(sup.pids()) do assert(pid ~= before[i], "SIGHUP restarts every worker") end
print("SIGHUP: " .. table.concat(before, " ") .. " replaced by " .. table.concat(sup.pids(), " "))
print(ask("after SIGHUP"))

-- SIGTERM: every worker stops, and the supervisor ends
signal.raise_signal(signal.SIGTERM)
assert(sup.step() == false)
for _, w in ipairs(sup.workers) do assert(w.returncode ~= nil, "every worker was stopped") end
print(string.format("SIGTERM: %d workers stopped; %d started in all", N, sup.started))
