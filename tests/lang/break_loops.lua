-- break in while, repeat-until and numeric for, alone and mixed with
-- generic for loops.
local t = {1, 2, 3}

local n = 0
while true do break end
n = n + 1
while true do break end
n = n + 1
repeat break until false
n = n + 1
repeat break until false
n = n + 1
for i = 1, 3 do break end
n = n + 1
for i = 1, 3 do break end
n = n + 1
print("in a row", n)

-- mixed kinds one after another
local trace = {}
for _ in ipairs(t) do break end
trace[#trace + 1] = "a"
while true do break end
trace[#trace + 1] = "b"
for _ in ipairs(t) do break end
trace[#trace + 1] = "c"
repeat break until true
trace[#trace + 1] = "d"
for _ in pairs(t) do break end
trace[#trace + 1] = "e"
for i = 3, 1, -1 do break end
trace[#trace + 1] = "f"
for _ in ipairs(t) do break end
print("mixed", table.concat(trace))

-- break after other statements
local i = 0
while true do
  i = i + 1
  if i == 4 then break end
end
local j = 0
repeat
  j = j + 1
  if j == 5 then break end
until j > 10
local s = 0
for k = 1, 100 do
  s = s + k
  if k == 10 then break end
end
print("after statements", i, j, s)

-- loops nested in each other, each kind inside each kind
local out = {}
for a = 1, 3 do
  local b = 0
  while true do
    b = b + 1
    for c in ipairs(t) do
      if c > a then break end
      out[#out + 1] = a .. b .. c
    end
    if b == 2 then break end
  end
  repeat
    for _ in ipairs(t) do break end
    break
  until false
  if a == 2 then break end
end
print("nested", table.concat(out, " "))

-- repeat: the condition sees the body's locals; break skips it
local r = 0
repeat
  local stop = r >= 2
  r = r + 1
until stop
local q = 0
repeat
  q = q + 1
  if q == 3 then break end
  local never = false
until never
print("repeat", r, q)

-- while with a condition that is false at once, then a generic for
local w = 0
while false do w = w + 1 end
while w > 0 do break end
for _ in ipairs(t) do break end
w = w + 1
print("while", w)

-- a numeric for whose loop never runs, between generic ones
local z = 0
for _ in ipairs(t) do break end
for k = 1, 0 do z = z + 100 end
for _ in ipairs(t) do break end
z = z + 1
print("empty numeric", z)
