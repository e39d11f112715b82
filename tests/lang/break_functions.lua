-- break inside functions defined in loop bodies: it leaves the function's
-- own loop, never the loop around the definition.
local t = {1, 2, 3}

local out = {}
for i in ipairs(t) do
  local function first(list)
    for _, v in ipairs(list) do
      if v >= i then return v end
    end
  end
  local function count(list)
    local c = 0
    for _ in ipairs(list) do break end
    for _ in ipairs(list) do
      c = c + 1
      if c == i then break end
    end
    return c
  end
  out[#out + 1] = first(t) .. "/" .. count(t)
end
print("defined in a generic for", table.concat(out, " "))

-- a function whose body is only a loop that breaks, called in a loop
-- that also breaks
local function onlybreak()
  for _ in ipairs(t) do break end
end
local n = 0
for _ in ipairs(t) do
  onlybreak()
  n = n + 1
end
for _ in ipairs(t) do
  onlybreak()
  break
end
n = n + 100
print("called", n)

-- anonymous functions with loops in argument position
local res = {}
for i in ipairs(t) do
  res[#res + 1] = (function()
    local s = 0
    while true do
      s = s + i
      if s > 4 then break end
    end
    return s
  end)()
  if i == 2 then break end
end
print("anonymous", table.concat(res, " "))

-- a method defined in a loop
local obj = {items = t}
for _ in ipairs(t) do
  function obj:sum()
    local s = 0
    for _, v in ipairs(self.items) do
      if v == 3 then break end
      s = s + v
    end
    return s
  end
  break
end
print("method", obj:sum())

-- deeply nested: loop / function / loop / function / loop
local depth = {}
for a in ipairs(t) do
  local f = function()
    for b in ipairs(t) do
      local g = function()
        for c in ipairs(t) do
          if c == 2 then break end
          depth[#depth + 1] = a .. b .. c
        end
      end
      g()
      if b == 2 then break end
    end
  end
  f()
  if a == 1 then break end
end
print("deep", table.concat(depth, " "))
