-- Issue 18: the second generic for's break jumped to the end of the first
-- one, so the code between them ran again.
local t = {1}; local n = 0
for _ in pairs(t) do break end
n = n + 1; if n > 3 then error("looped") end
for _ in pairs(t) do break end
print("ok", n)
