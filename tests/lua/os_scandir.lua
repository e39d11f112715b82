-- os.scandir's descriptor: close-on-exec, in the runtime's table while a
-- loop runs, closed when the loop ends, when its handle is closed, and
-- never there at all for a directory read in one go.
local dir = T.tmpdir
local big, small = dir .. "/big", dir .. "/small"
os.mkdir(big) os.mkdir(small)
for i = 1, 3000 do
  local f = assert(io.open(big .. "/entry-" .. i, "w")) f:close()
end
for i = 1, 5 do
  local f = assert(io.open(small .. "/" .. i, "w")) f:close()
end

-- streams lists our descriptors open on path.
local function streams(path)
  local n = {}
  for _, d in ipairs(os.fds()) do
    if d.target == path then n[#n + 1] = d end
  end
  return n
end

-- A small directory: read whole by scandir itself.
local iter = os.scandir(small)
eq(#streams(small), 0, "a small directory's descriptor is closed before the loop")
local count = 0
for e in iter do count = count + 1 end
eq(count, 5, "and every entry is there")

-- A big one: the descriptor stays open while the loop runs.
count = 0
for e in os.scandir(big) do
  count = count + 1
  if count == 1 then
    local open = streams(big)
    eq(#open, 1, "the directory is open while the loop runs")
    eq(open[1].inheritable, false, "close-on-exec")
    local seen = child({close_fds = false})
    eq(seen[open[1].fd], nil, "a child that inherits everything inheritable does not get it")
  end
end
eq(count, 3000, "every entry of the big directory")
eq(#streams(big), 0, "closed when the loop ends")

-- A loop that breaks: the handle closes the stream.
local it, _, _, handle = os.scandir(big)
for e in it do break end
eq(#streams(big), 1, "still open after a break")
handle:close()
eq(#streams(big), 0, "closed by the handle")
eq(it(), nil, "the iterator ends once closed")
handle:close() -- twice is fine

-- Two streams at once, and a walk that nests them.
local a, b = 0, 0
for e in os.scandir(big) do
  a = a + 1
  if a == 2 then
    for f in os.scandir(big) do b = b + 1 end
  end
end
eq(a, 3000, "the outer loop")
eq(b, 3000, "the inner loop")
eq(#streams(big), 0, "both closed")

-- os.close of the stream's number by a script that found it ends it.
local it2 = os.scandir(big)
it2()
local fd = streams(big)[1].fd
eq(os.close(fd), true, "os.close of the stream's descriptor")
local rest = 0
for e in it2 do rest = rest + 1 end
assert(rest < 3000, "the stream ended early, with what it had read ahead")

raises("bad argument #1 to 'close' (scandir handle expected", function() handle.close({}) end)

-- A loop left by a break, and no handle kept: once the collector finds
-- the iterator unreachable, the stream is released as a dropped file is
-- (collectgarbage, the next descriptor made, the end of the chunk).
local function leave()
  for e in os.scandir(big) do break end
end
for _ = 1, 3 do leave() end
eq(#streams(big), 3, "three loops left open")
local closed = false
for _ = 1, 200 do
  collectgarbage("collect")
  if #streams(big) == 0 then closed = true break end
end
eq(closed, true, "the streams of abandoned loops are closed")
