-- task: the scheduler, its waits, channels, errors and cancel.
local task = require("task")
local time = require("time")
local socket = require("socket")
local sp = require("subprocess")
local sel = require("select")

-- ten sleeps of 0.2 s in ten tasks take about 0.2 s, not 2 s.
local t0 = time.monotonic()
local ts = {}
for i = 1, 10 do ts[i] = task.spawn(function(i) time.sleep(0.2) return i * 2, "x" end, i) end
task.run()
local took = time.monotonic() - t0
assert(took >= 0.2 and took < 1.0, "ten sleeps took " .. took)
for i = 1, 10 do
  local a, b = ts[i]:join()
  eq(a, i * 2, "join gives the results")
  eq(b, "x", "every result")
end
t0 = time.monotonic()
task.run(function() for i = 1, 10 do task.spawn(task.sleep, 0.2) end end)
took = time.monotonic() - t0
assert(took >= 0.2 and took < 1.0, "ten task.sleep took " .. took)

-- three children of 0.3, 0.6 and 0.9 s, waited in three tasks: about 0.9 s.
t0 = time.monotonic()
task.run(function()
  local ws = {}
  for _, d in ipairs({0.3, 0.6, 0.9}) do
    ws[#ws + 1] = task.spawn(function() return sp.Popen({"sleep", tostring(d)}):wait() end)
  end
  for _, w in ipairs(ws) do eq(w:join(), 0, "child exit") end
end)
took = time.monotonic() - t0
assert(took >= 0.9 and took < 1.5, "three children took " .. took)

-- outside a task the same calls block as ever.
t0 = time.monotonic()
time.sleep(0.01)
assert(time.monotonic() - t0 >= 0.01)
eq(task.current(), nil, "no task outside")

-- run returns fn's results; current inside.
local me
local a, b = task.run(function(x) me = task.current() return x + 1, "y" end, 41)
eq(a, 42, "run's result")
eq(b, "y", "run's second result")
assert(me ~= nil, "task.current inside a task")

-- an error ends the task, not the scheduler.
local bad = task.spawn(function() error("boom") end)
local good = task.spawn(function() task.yield() return "fine" end)
task.run()
local r, err = bad:join()
eq(r, nil, "a failed task joins nil")
assert(tostring(err):find("boom"), "and its error")
eq(good:join(), "fine", "the other task ended well")
eq(bad:done(), true, "done")

-- pcall inside a task works across a suspension.
eq(task.run(function()
  local ok, v = pcall(function() time.sleep(0.01) return "after" end)
  return v
end), "after", "pcall across a wait")

-- coroutines inside a task.
eq(task.run(function()
  local co = coroutine.wrap(function() time.sleep(0.01) coroutine.yield(1) return 2 end)
  return co() + co()
end), 3, "coroutines inside a task")

-- channels: a rendezvous, a buffered one, close.
local got = {}
task.run(function()
  local ch = task.channel()
  task.spawn(function() for i = 1, 5 do ch:send(i) end ch:close() end)
  while true do
    local v = ch:recv()
    if v == nil then break end
    got[#got + 1] = v
  end
end)
eq(table.concat(got, ","), "1,2,3,4,5", "channel order")
local bc = task.channel(2)
bc:send("a"); bc:send("b")
eq(bc:len(), 2, "buffered")
eq(bc:recv(), "a", "outside a task, buffered values")
bc:close()
eq(bc:recv(), "b", "what was buffered")
local v, e = bc:recv()
eq(e, "closed", "then closed")
raises("send on a closed channel", function() bc:send(1) end)
raises("would wait for ever outside a task", function() task.channel():recv() end)

-- a deadlock ends the tasks waiting rather than hanging.
local dl = task.spawn(function() return task.channel():recv() end)
task.run()
r, err = dl:join()
assert(tostring(err):find("deadlock"), "deadlock reported: " .. tostring(err))

-- cancel: a sleeping task ends at once.
local c = task.spawn(function() time.sleep(10) end)
task.spawn(function() time.sleep(0.05) c:cancel() end)
t0 = time.monotonic()
task.run()
assert(time.monotonic() - t0 < 2, "cancel ended the sleep")
r, err = c:join()
eq(err, "cancelled", "a cancelled task")
local never = task.spawn(function() error("never runs") end)
never:cancel()
task.run()
eq(select(2, never:join()), "cancelled", "cancelled before it ran")

-- join with a timeout, inside a task.
eq(task.run(function()
  local slow = task.spawn(function() time.sleep(0.3) return 1 end)
  local r, e = slow:join(0.01)
  return e
end), "timeout", "join timed out")

-- sockets: an echo server and its clients in tasks.
local srv = assert(socket.create_server("127.0.0.1", 0))
local _, port = srv:getsockname()
local N = 20
task.run(function()
  task.spawn(function()
    for i = 1, N do
      local conn = assert(srv:accept())
      task.spawn(function()
        while true do
          local d = conn:recv(4096)
          if d == "" then break end
          conn:sendall(d)
        end
        conn:close()
      end)
    end
  end)
  local cs = {}
  for i = 1, N do
    cs[i] = task.spawn(function()
      local s = assert(socket.create_connection("127.0.0.1", port))
      for j = 1, 10 do
        local msg = ("m%d.%d"):format(i, j)
        s:sendall(msg)
        eq(s:recv(100), msg, "echo")
      end
      s:close()
      return true
    end)
  end
  for i = 1, N do assert(cs[i]:join()) end
end)
srv:close()

-- pipes and a child's streams: io reads in tasks.
local lines = {}
task.run(function()
  for i = 1, 3 do
    task.spawn(function()
      local p = sp.Popen({"sh", "-c", "sleep 0." .. i .. "; echo child" .. i}, {stdout = sp.PIPE})
      local l = p.stdout:read("*l")
      lines[#lines + 1] = l
      p:wait()
    end)
  end
end)
eq(table.concat(lines, ","), "child1,child2,child3", "read as they came")
-- communicate and run inside tasks.
local outs = {}
task.run(function()
  for i = 1, 3 do
    task.spawn(function()
      local res = sp.run({"sh", "-c", "sleep 0.2; echo " .. i}, {capture_output = true})
      outs[i] = res.stdout
    end)
  end
end)
eq(table.concat(outs), "1\n2\n3\n", "run in tasks")

-- a 64 MiB relay through tasks: a -> relay -> b.
local function relay_test(use_tasks)
  local a1, a2 = socket.socketpair()
  local b1, b2 = socket.socketpair()
  local total = 64 * 1024 * 1024
  local chunk = string.rep("r", 65536)
  local got = 0
  if use_tasks then
    task.run(function()
      task.spawn(function()
        for _ = 1, total / #chunk do a1:sendall(chunk) end
        a1:shutdown("w")
      end)
      task.spawn(function()
        while true do
          local d = a2:recv(65536)
          if d == "" then break end
          b1:sendall(d)
        end
        b1:shutdown("w")
      end)
      task.spawn(function()
        while true do
          local d = b2:recv(65536)
          if d == "" then break end
          got = got + #d
        end
      end)
    end)
  else
    -- select.select: one loop moves everything.
    local sent, pending, adone = 0, "", false
    local bdone = false
    while not bdone do
      local rl, wl = {b2}, {}
      if sent < total then wl[#wl + 1] = a1 end
      if not adone and #pending == 0 then rl[#rl + 1] = a2 end
      if #pending > 0 then wl[#wl + 1] = b1 end
      local rr, ww = sel.select(rl, wl, {}, 5)
      assert(#rr + #ww > 0, "select timed out")
      for _, s in ipairs(ww) do
        if s == a1 then
          sent = sent + assert(a1:send(chunk))
          if sent >= total then a1:shutdown("w") end
        elseif s == b1 then
          local n = assert(b1:send(pending))
          pending = pending:sub(n + 1)
          if adone and #pending == 0 then b1:shutdown("w") end
        end
      end
      for _, s in ipairs(rr) do
        if s == a2 then
          local d = a2:recv(65536)
          if d == "" then adone = true b1:shutdown("w") else pending = d end
        elseif s == b2 then
          local d = b2:recv(65536)
          if d == "" then bdone = true else got = got + #d end
        end
      end
    end
  end
  eq(got, total, "relayed every byte")
  for _, s in ipairs({a1, a2, b1, b2}) do s:close() end
end
relay_test(false)
relay_test(true)

-- select, poll and epoll inside tasks suspend only the task.
local order = {}
task.run(function()
  local r1, w1 = os.pipe()
  local r2, w2 = os.pipe()
  local r3, w3 = os.pipe()
  task.spawn(function()
    local rr = sel.select({r1}, {}, {}, 5)
    order[#order + 1] = "select" .. #rr
  end)
  task.spawn(function()
    local p = sel.poll() p:register(r2, sel.POLLIN)
    local n = #p:poll(5000)
    order[#order + 1] = "poll" .. n
  end)
  if sel.epoll then
    task.spawn(function()
      local ep = sel.epoll() ep:register(r3, sel.EPOLLIN)
      local n = #ep:poll(5)
      order[#order + 1] = "epoll" .. n
      ep:close()
    end)
  else
    order[#order + 1] = "epoll1"
  end
  task.spawn(function()
    order[#order + 1] = "writer"
    time.sleep(0.05) os.write(w1, "x")
    time.sleep(0.05) os.write(w2, "x")
    time.sleep(0.05) os.write(w3, "x")
  end)
end)
eq(table.concat(order, ","), "writer,select1,poll1,epoll1", "waits in tasks")
