-- lua5.1 only: Lua 5.4 has no table.maxn and no strings in a numeric for.
-- Strings and numerals become numbers as in Lua 5.1 (patches 0002 to 0005).

-- numerals: a leading zero is no octal
print("numerals", 010, 0010 + 1, 08, 1e2, 0x1F, 0XfF)

-- strings in arithmetic
print("arithmetic", "00001" + "00011", "010" * 1, " 0x10 " + 0, "1e2" + 0, "-2E1" + 0)
for _, s in ipairs({"0b11", "0o17", "1_000", "1e", "0x", "", " ", "1 2"}) do
  print("not a number", string.format("%q", s), (pcall(function() return s + 0 end)))
end

-- tonumber without a base
print("tonumber", tonumber("2e2"), tonumber("5e-07") == 5e-07, tonumber("1E+2"),
  tonumber(" 10 "), tonumber("-0x10"), tonumber(".5") == 0.5, tonumber("5."))
print("tonumber nil", tonumber("0b11"), tonumber("1_000"), tonumber("1e"), tonumber("0x"), tonumber("abc"))
-- with a base, as before
print("tonumber base", tonumber("ff", 16), tonumber("777", 8), tonumber("zz", 36), tonumber("8", 8))

-- too large is infinite, and math.huge is infinity
print("huge", 1e400 == 1/0, -1e400 == -1/0, math.huge == 1/0, -math.huge == -1/0,
  tonumber("1e400") == math.huge, math.huge > 1.7976931348623157e308)

-- table.maxn: the largest positive numeric key
print("maxn", table.maxn({}), table.maxn({["1000"] = true}), table.maxn({["1000"] = true, [24.5] = 3}),
  table.maxn({[1000] = true}), table.maxn({1, 2, [10] = true, [-5] = true}),
  table.maxn({[10] = true, [100 * math.pi] = print}) == 100 * math.pi)

-- a numeric for takes strings that are numbers
local n = 0
for i = "10", "1", "-2" do n = n + 1 end
local sum = 0
for i = " 1 ", 3 do sum = sum + i end
print("for", n, sum, (pcall(function() for i = "x", 2 do end end)), (pcall(function() for i = 1, 2, "y" do end end)))
