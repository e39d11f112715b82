#!/usr/bin/env safesh
-- Tail several children at once: start three commands that print at
-- their own pace, and show each line as it comes, prefixed with its
-- child's name, with select.select waiting on all their pipes together.
--
-- usage: safesh tail_children.lua

local select_ = require("select")
local subprocess = require("subprocess")
local time = require("time")

local children = {
  fast = {"sh", "-c", "for i in 1 2 3 4; do echo tick $i; sleep 0.05; done"},
  slow = {"sh", "-c", "sleep 0.1; echo one; sleep 0.1; echo two"},
  oops = {"sh", "-c", "echo starting; sleep 0.15; echo failed >&2; exit 3"},
}

local by_stream, open = {}, {}
for name, argv in pairs(children) do
  local p = assert(subprocess.Popen(argv, {stdout = subprocess.PIPE, stderr = subprocess.STDOUT}))
  by_stream[p.stdout] = {name = name, proc = p}
  open[#open + 1] = p.stdout
end

local start = time.monotonic()
local seen = 0
while #open > 0 do
  local readable = select_.select(open, {}, {}, 5)
  assert(#readable > 0, "nothing for 5 s")
  for _, stream in ipairs(readable) do
    local c = by_stream[stream]
    -- A line at a time: what read ahead stays in the stream's buffer, and
    -- select counts it as readable the next time round.
    local line = stream:read("*l")
    if line then
      seen = seen + 1
      print(string.format("%5.2fs %-4s | %s", time.monotonic() - start, c.name, line))
    else
      for i, s in ipairs(open) do
        if s == stream then table.remove(open, i) break end
      end
      print(string.format("%5.2fs %-4s exited with %d", time.monotonic() - start, c.name, c.proc:wait()))
    end
  end
end
assert(seen == 8, "every line was seen, got " .. seen)
