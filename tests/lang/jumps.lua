-- Loop bodies that start with other jumps: if/elseif chains, and/or,
-- not, constant conditions, and a loop as the first statement of a body.
local t = {1, 2, 3, 4}

local out = {}
for _, v in ipairs(t) do
  if v == 1 then out[#out + 1] = "one"
  elseif v == 2 then out[#out + 1] = "two"
  elseif v == 3 then break
  else out[#out + 1] = "other" end
end
for _ in ipairs(t) do break end
print("elseif", table.concat(out, " "))

out = {}
for _, v in ipairs(t) do
  if not (v > 1 and v < 4) then out[#out + 1] = v end
end
for _, v in ipairs(t) do
  if v == 2 or v == 3 then out[#out + 1] = -v end
end
print("and or not", table.concat(out, " "))

-- constant conditions first in the body
local n = 0
for _ in ipairs(t) do
  if true then n = n + 1 end
end
for _ in ipairs(t) do
  if false then n = n + 100 end
  if nil then local a = 1 end
  n = n + 1
end
for _ in ipairs(t) do
  if false then else n = n + 1 end
end
print("constant", n)

-- a loop as the first statement of a body
local c = 0
for _ in ipairs(t) do
  for _ in ipairs(t) do
    c = c + 1
  end
end
for _ in ipairs(t) do
  while false do end
  c = c + 1
end
for _ in ipairs(t) do
  for _ = 1, 0 do end
  c = c + 1
end
print("loop first", c)

-- an empty body, and a body of one if with an empty block
local e = 0
for _ in ipairs(t) do end
for _, v in ipairs(t) do if v then end end
e = e + 1
for _ in ipairs(t) do end
print("empty", e)

-- a value that is a chain of and/or inside the body
local vals = {}
for _, v in ipairs(t) do
  vals[#vals + 1] = (v % 2 == 0) and "even" or "odd"
  if v == 3 then break end
end
print("value", table.concat(vals, " "))

-- return from inside nested loops
local function find(x)
  for i in ipairs(t) do
    for j in ipairs(t) do
      if i * j == x then return i, j end
    end
  end
  return "none"
end
print("return", find(6), find(100))
