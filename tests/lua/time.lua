-- time: the clocks and sleep.
local time = require("time")

local t = time.time()
assert(math.abs(t - os.time()) <= 1, "time is seconds since the epoch")
assert(t ~= math.floor(t) or time.time() ~= math.floor(time.time()), "time has fractions")

-- monotonic never goes back, and has nanosecond resolution: differences
-- between readings are not all whole microseconds.
local prev, fine = time.monotonic_ns(), false
for _ = 1, 1000 do
  local n = time.monotonic_ns()
  assert(n >= prev, "monotonic_ns went back")
  eq(n, math.floor(n), "monotonic_ns is an integer")
  if (n - prev) % 1000 ~= 0 then fine = true end
  prev = n
end
eq(fine, true, "monotonic_ns has nanoseconds")
local a, b = time.monotonic(), time.perf_counter()
assert(b >= a and b - a < 1, "perf_counter is the monotonic clock")
assert(math.abs(time.monotonic() - time.monotonic_ns() / 1e9) < 0.01, "monotonic and monotonic_ns agree")

-- sleep waits at least as long as asked, fractions included.
local t0 = time.monotonic()
eq(select("#", time.sleep(0.05)), 0, "sleep returns nothing")
assert(time.monotonic() - t0 >= 0.05, "slept at least 0.05 s")
time.sleep(0)
time.sleep("0.001")

raises("bad argument #1 to 'sleep' (sleep length must be non-negative)", function() time.sleep(-1) end)
raises("bad argument #1 to 'sleep' (sleep length is not a number)", function() time.sleep(0/0) end)
raises("bad argument #1 to 'sleep' (sleep length is too large)", function() time.sleep(1e300) end)
raises("bad argument #1 to 'sleep' (number expected, got no value)", function() time.sleep() end)
raises("bad argument #1 to 'sleep' (number expected, got string)", function() time.sleep("x") end)
