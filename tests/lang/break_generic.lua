-- break in generic for loops: first statement, after other statements,
-- nested loops, several loops in a row, in a function and in the chunk.
local t = {10, 20, 30}

-- three loops in a row whose bodies start with break
local n = 0
for _ in ipairs(t) do break end
n = n + 1
for _ in pairs(t) do break end
n = n + 1
for _ in ipairs(t) do break end
n = n + 1
print("in a row", n)

-- break after other statements
local seen = {}
for i, v in ipairs(t) do
  seen[#seen + 1] = v
  if i == 2 then break end
end
print("after statements", table.concat(seen, " "))

for i, v in ipairs(t) do
  local x = v * 2
  seen[#seen + 1] = x
  break
end
print("unconditional after statements", table.concat(seen, " "))

-- a body that starts with a conditional break
local count = 0
for i in ipairs(t) do
  if i == 3 then break end
  count = count + 1
end
print("conditional first", count)

-- nested generic loops: break in the inner one
local pairs_seen = {}
for i in ipairs(t) do
  for j in ipairs(t) do
    if j > i then break end
    pairs_seen[#pairs_seen + 1] = i .. j
  end
end
print("nested inner", table.concat(pairs_seen, " "))

-- nested: both bodies start with break
local m = 0
for _ in ipairs(t) do
  for _ in ipairs(t) do break end
  m = m + 1
end
for _ in ipairs(t) do
  for _ in ipairs(t) do break end
  break
end
m = m + 10
print("nested both", m)

-- break in the outer loop after an inner loop
local trace = {}
for i in ipairs(t) do
  for j in ipairs(t) do
    trace[#trace + 1] = i .. ":" .. j
    if j == 2 then break end
  end
  if i == 2 then break end
end
print("nested outer", table.concat(trace, " "))

-- the same inside a function, called twice
local function f(list)
  local k = 0
  for _ in ipairs(list) do break end
  k = k + 1
  for _, v in ipairs(list) do
    if v > 15 then break end
    k = k + v
  end
  for _ in ipairs(list) do break end
  return k
end
print("function", f(t), f({1, 2, 3}))

-- iterators other than pairs and ipairs
local words = {}
for w in string.gmatch("one two three four", "%a+") do
  if w == "three" then break end
  words[#words + 1] = w
end
for w in string.gmatch("x y", "%a+") do break end
print("gmatch", table.concat(words, ","))

local function range(k)
  local i = 0
  return function()
    i = i + 1
    if i <= k then return i end
  end
end
local sum = 0
for i in range(5) do break end
for i in range(10) do
  sum = sum + i
  if i == 4 then break end
end
for i in range(5) do break end
print("custom iterator", sum)

-- issue #540 of gopher-lua: an if with a constant false condition
local function g()
  local k = 0
  for _ in ipairs(t) do
    if false then local x end
    k = k + 1
  end
  for _ in ipairs(t) do
    if nil then local y = 1; k = k + y end
    k = k + 10
  end
  return "returned", k
end
print(g())

-- do break end is a break of the loop, not a continue
local d = 0
for _ in ipairs(t) do
  d = d + 1
  do break end
end
print("do break end", d)
