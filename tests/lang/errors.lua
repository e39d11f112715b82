-- lua5.4 only: runtime errors name the variable in Lua 5.4's form (patch 0032); Lua 5.1 says "attempt to call global 'f' (a nil value)"
-- Each case fails; what is printed is its message without the position.
-- Syntax errors are Lua 5.1's and 5.4's common form (patches 0031, 0033).
local cases = {
  "local t = {} t.y.z = 1",
  "local t = {} print(t.y.z)",
  "local t = {} return t.a.b.c",
  "local x = 1 local y = x.z",
  "x = nil x = x + 1",
  "local u; print(-u)",
  "local s; print(s .. 'x')",
  "local s; print('x' .. s .. 'y')",
  "local n; print(#n)",
  "local t = {} t:rn()",
  "string.rn()",
  "undefinedfn()",
  "local up; (function() up() end)()",
  "return math.foo(1)",
  "return (nil)()",
  "local t = setmetatable({}, {__index = function() end}) print(t.x.y)",
  "local a, b = 1 return a + b",
  "local t = {} t.x = t.missing.y",
  "for i = 1, 2 do local v = {} v.f() end",
  "x =",
  "x = = 1",
  "local t = {\n  f(1,\nend",
  "return 1 +",
  "x = }",
  "print((1)\n",
  "function f() return 1\n",
  "if x then\n  y()\n",
  "while x do\n",
  "repeat x = 1\n",
  "local t = {1,\n2",
  "f = function(a b) end",
  "if x print(1) end",
  "for i = 1, 2 print(i) end",
  "f(1 2)",
  "if a then else else end",
  "repeat x = 1 end",
  "if x then return 1 print(2) end",
  "return 1 x",
  "if x then y() end end",
  "local function end",
  "local f = function end",
  "t[1 = 2",
  "local a.b = 1",
  "print(1 + )",
  "if x then y = end",
}
for i, src in ipairs(cases) do
  local f, err = (loadstring or load)(src, "=case")
  if f then
    local ok
    ok, err = pcall(f)
  end
  -- Lua 5.1 (and safesh) quote '<eof>', Lua 5.4 does not.
  local msg = string.gsub(tostring(err), "^[^:]*:%d+: ", "")
  print(i, (string.gsub(msg, "'<eof>'", "<eof>")))
end
