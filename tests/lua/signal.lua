-- signal: handlers, dispositions, alarms, and the blocking calls that a
-- signal interrupts, which run the handler and resume (PEP 475).
local signal = require("signal")
local sp = require("subprocess")
local time = require("time")
local task = require("task")
local select = require("select")

local pid = os.getpid()

-- kill_later has a python3 child send sig to this process delay seconds
-- after it has started (it says when, so that a slow start of python3 on
-- a loaded machine does not move the signal past what the test waits
-- for); the child is returned, to be waited for.
local function kill_later(sig, delay)
  local p = sp.Popen({"python3", "-c",
    "import os, sys, time; print('ready', flush=True); time.sleep(float(sys.argv[1])); os.kill(int(sys.argv[2]), int(sys.argv[3]))",
    tostring(delay), tostring(pid), tostring(sig)}, {stdout = sp.PIPE})
  assert(p.stdout:read("*l") == "ready", "the signalling child did not start")
  p.stdout:close()
  return p
end

-- constants and dispositions
eq(signal.SIGINT, 2, "SIGINT")
eq(signal.SIGTERM, 15, "SIGTERM")
eq(signal.SIGUSR1 ~= nil and signal.SIGCHLD ~= nil and signal.SIGALRM == 14, true, "constants")
eq(signal.getsignal(signal.SIGUSR1), "default", "default at start")
eq(signal.strsignal(signal.SIGTERM), "Terminated", "strsignal")
raises("bad argument #1 to 'signal' (SIGKILL and SIGSTOP cannot be caught or ignored)", function() signal.signal(signal.SIGKILL, "ignore") end)
raises("bad argument #2 to 'signal' (a function, \"default\" or \"ignore\" expected)", function() signal.signal(signal.SIGUSR1, "nope") end)
raises("bad argument #1 to 'signal' (signal number out of range)", function() signal.signal(0, "ignore") end)
raises("bad argument #2 to 'signal' (function or string expected, got no value)", function() signal.signal(signal.SIGUSR1) end)

-- raise_signal: the handler has run when it returns
local got = {}
local function h(n) got[#got + 1] = n end
eq(signal.signal(signal.SIGUSR1, h), "default", "previous: default")
eq(signal.getsignal(signal.SIGUSR1), h, "getsignal gives the handler")
signal.raise_signal(signal.SIGUSR1)
eq(#got, 1, "handler ran in raise_signal")
eq(got[1], signal.SIGUSR1, "handler gets the signal number")

-- between two instructions: a loop that never calls anything
got = {}
local k = kill_later(signal.SIGUSR1, 0.1)
local t0, n = time.monotonic(), 0
while #got == 0 do
  n = n + 1
  if n % 100000 == 0 and time.monotonic() - t0 > 10 then error("the handler did not run in a loop") end
end
k:wait()

-- time.sleep resumes after the handler, for all of its time
got = {}
k = kill_later(signal.SIGUSR1, 0.1)
t0 = time.monotonic()
time.sleep(0.5)
local slept = time.monotonic() - t0
eq(#got, 1, "handler ran during sleep")
assert(slept >= 0.5, "sleep resumed: slept " .. slept)
k:wait()

-- os.read on a pipe: the handler runs, the read goes on and gets the data
got = {}
local r, w = os.pipe()
local writer = sp.Popen({"python3", "-c",
  "import os, sys, time; time.sleep(0.1); os.kill(int(sys.argv[1]), int(sys.argv[2])); time.sleep(0.3); os.write(1, b'data')",
  tostring(pid), tostring(signal.SIGUSR1)}, {stdout = w})
os.close(w)
eq(os.read(r, 10), "data", "read resumed")
eq(#got, 1, "handler ran during read")
writer:wait()
os.close(r)

-- proc:wait resumes too
got = {}
local p = sp.Popen({"python3", "-c",
  "import os, sys, time; os.kill(os.getppid(), int(sys.argv[1])); time.sleep(0.3); sys.exit(7)",
  tostring(signal.SIGUSR1)})
eq(p:wait(), 7, "wait resumed")
eq(#got, 1, "handler ran during wait")

-- a wait with a timeout keeps its deadline across the handler
got = {}
p = sp.Popen({"sleep", "5"})
k = kill_later(signal.SIGUSR1, 0.1)
t0 = time.monotonic()
local rc, msg = p:wait(0.4)
eq(rc, nil, "wait timed out")
eq(msg, "timeout", "wait's timeout message")
local waited = time.monotonic() - t0
assert(waited >= 0.4 and waited < 2, "the timeout counts from the start: " .. waited)
eq(#got, 1, "handler ran during a timed wait")
p:kill() p:wait() k:wait()

-- a handler that raises: the blocking call raises its error
signal.signal(signal.SIGUSR2, function() error("boom from handler", 0) end)
r, w = os.pipe()
k = kill_later(signal.SIGUSR2, 0.1)
local ok, err = pcall(os.read, r, 1)
eq(ok, false, "read raised")
eq(err, "boom from handler", "read raised the handler's error")
k:wait()
os.close(r) os.close(w)
k = kill_later(signal.SIGUSR2, 0.1)
ok, err = pcall(time.sleep, 5)
eq(err, "boom from handler", "sleep raised the handler's error")
k:wait()
ok, err = pcall(signal.raise_signal, signal.SIGUSR2)
eq(err, "boom from handler", "raise_signal raised the handler's error")
-- an error value that is not a string comes through as it is
local e = {}
signal.signal(signal.SIGUSR2, function() error(e) end)
ok, err = pcall(signal.raise_signal, signal.SIGUSR2)
eq(err, e, "the error value itself")

-- alarm: SIGALRM to this runtime after the time
local rang = 0
signal.signal(signal.SIGALRM, function() rang = rang + 1 end)
eq(signal.alarm(0.1), 0, "no alarm before")
t0 = time.monotonic()
time.sleep(0.5)
eq(rang, 1, "the alarm rang during sleep")
assert(time.monotonic() - t0 >= 0.5, "sleep resumed after the alarm")
eq(signal.alarm(5), 0, "the alarm that rang is gone")
eq(signal.alarm(0), 5, "alarm returns the seconds left, rounded up")
time.sleep(0.05)
eq(rang, 1, "a cancelled alarm does not ring")
-- at its default, an alarm ends the chunk, as it ends a process
signal.signal(signal.SIGALRM, "default")
signal.alarm(0.05)
raises("alarm clock", time.sleep, 2)

-- SIGCHLD: a handler reaps the children that exit
local children, reaped = {}, {}
signal.signal(signal.SIGCHLD, function()
  for i, c in pairs(children) do
    if c:poll() ~= nil then
      reaped[#reaped + 1] = c.returncode
      children[i] = nil
    end
  end
end)
for i = 1, 3 do
  children[i] = sp.Popen({"/bin/sh", "-c", "sleep 0.0" .. i .. "; exit " .. i})
end
t0 = time.monotonic()
while next(children) and time.monotonic() - t0 < 10 do time.sleep(0.05) end
eq(next(children), nil, "the handler reaped every child")
table.sort(reaped)
eq(table.concat(reaped, ","), "1,2,3", "their statuses")
signal.signal(signal.SIGCHLD, "default")

-- "ignore": the process does not die of it, and a child starts with the
-- default disposition
eq(signal.signal(signal.SIGUSR2, "ignore") ~= nil, true, "ignore")
eq(signal.getsignal(signal.SIGUSR2), "ignore", "getsignal: ignore")
signal.raise_signal(signal.SIGUSR2)
local res = sp.run({"python3", "-c",
  "import signal, sys; print(signal.getsignal(int(sys.argv[1])) == signal.SIG_DFL)",
  tostring(signal.SIGUSR2)}, {capture_output = true})
eq(res.stdout, "True\n", "the child has SIGUSR2 at its default")
-- restore_signals = false: the child keeps it ignored (SIG_IGN set in the
-- child before exec)
res = sp.run({"python3", "-c",
  "import signal, sys; print(signal.getsignal(int(sys.argv[1])) == signal.SIG_IGN)",
  tostring(signal.SIGUSR2)}, {capture_output = true, restore_signals = false})
eq(res.stdout, "True\n", "restore_signals = false keeps SIGUSR2 ignored in the child")

-- tasks: the handler runs while the tasks wait in the scheduler, and the
-- tasks go on
got = {}
local done = 0
k = kill_later(signal.SIGUSR1, 0.1)
task.run(function()
  local a = task.spawn(function() task.sleep(0.3) done = done + 1 end)
  local b = task.spawn(function() time.sleep(0.3) done = done + 1 end)
  a:join() b:join()
end)
eq(done, 2, "both tasks ended")
eq(#got, 1, "handler ran while the tasks waited")
k:wait()
-- a handler that raises stops the scheduler: task.run raises its error
signal.signal(signal.SIGUSR2, function() error("stop tasks", 0) end)
k = kill_later(signal.SIGUSR2, 0.1)
ok, err = pcall(task.run, function()
  task.spawn(function() task.sleep(5) end)
  task.sleep(5)
end)
eq(ok, false, "task.run raised")
eq(err, "stop tasks", "task.run raised the handler's error")
k:wait()

-- select's epoll resumes after the handler
if select.epoll then
  got = {}
  local ep = select.epoll()
  r, w = os.pipe()
  ep:register(r, select.EPOLLIN)
  k = kill_later(signal.SIGUSR1, 0.1)
  t0 = time.monotonic()
  local evs = ep:poll(0.4)
  eq(#evs, 0, "nothing ready")
  assert(time.monotonic() - t0 >= 0.4, "epoll resumed for its whole timeout")
  eq(#got, 1, "handler ran during epoll")
  k:wait()
  ep:close() os.close(r) os.close(w)
end

-- back to the defaults
for _, s in ipairs({signal.SIGUSR1, signal.SIGUSR2}) do
  signal.signal(s, "default")
  eq(signal.getsignal(s), "default", "default again")
end
