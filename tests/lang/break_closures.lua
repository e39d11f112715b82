-- Closures capturing loop variables and body locals, with break: each
-- iteration has its own variables, and a break closes them.
local t = {"a", "b", "c", "d"}

local fs = {}
for i, v in ipairs(t) do
  fs[#fs + 1] = function() return i .. v end
  if i == 3 then break end
end
local got = {}
for _, f in ipairs(fs) do got[#got + 1] = f() end
print("generic", table.concat(got, " "))

-- a captured body local, the break first after it
fs = {}
for i in ipairs(t) do
  local x = i * 10
  fs[#fs + 1] = function() x = x + 1; return x end
  break
end
for _ in ipairs(t) do break end
print("captured local", fs[1](), fs[1](), #fs)

-- the loop variable of a numeric for
fs = {}
for i = 1, 10 do
  fs[i] = function() return i end
  if i == 3 then break end
end
print("numeric", fs[1](), fs[2](), fs[3](), #fs)

-- while and repeat with captured locals
fs = {}
local k = 0
while true do
  k = k + 1
  local y = k
  fs[k] = function() return y end
  if k == 3 then break end
end
k = 0
repeat
  k = k + 1
  local y = k * 100
  fs[#fs + 1] = function() return y end
  if k == 2 then break end
until false
got = {}
for _, f in ipairs(fs) do got[#got + 1] = f() end
print("while, repeat", table.concat(got, " "))

-- a closure made in the body but not captured across the break
local count = 0
for _, v in ipairs(t) do
  local function bump() count = count + 1 end
  bump()
  if v == "b" then break end
end
for _ in ipairs(t) do break end
print("upvalue outside", count)

-- shared upvalue between two closures of the same iteration
local gets, sets = {}, {}
for i in ipairs(t) do
  local v = i
  gets[i] = function() return v end
  sets[i] = function(n) v = n end
  if i == 2 then break end
end
sets[1](7)
print("shared", gets[1](), gets[2]())

-- nested loops, the inner closures capturing both variables
fs = {}
for i in ipairs(t) do
  for j in ipairs(t) do
    if j > 2 then break end
    fs[#fs + 1] = function() return i * 10 + j end
  end
  if i == 2 then break end
end
got = {}
for _, f in ipairs(fs) do got[#got + 1] = f() end
print("nested", table.concat(got, " "))
