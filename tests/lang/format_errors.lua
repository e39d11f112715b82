-- string.format checks its arguments as Lua does: a numeric conversion
-- takes a number or a string that is one, and a missing argument is "no
-- value" (gopher-lua formatted "%d" of "x" as "0").
print(string.format("%d|%5s|%x|%%|%5.1f|%c", "10", 3, 255, "2.25", "65"))
for _, c in ipairs({
  { "%d", "x" }, { "%5.2f", {} }, { "%x", true }, { "%d %d", 1 }, { "%s %g", "a" },
}) do
  local ok, e = pcall(function() return string.format(c[1], c[2]) end)
  print(ok, (string.gsub(e, "^[^:]*:%d+: ", "")))
end
