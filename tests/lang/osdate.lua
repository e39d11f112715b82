-- os.date: every C99 strftime conversion, in UTC, at fixed times (the
-- Lua 5.1 suite's files.lua uses %j); os.setlocale in the C locale.
local f = "!%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %m %M %n %p %r %R %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%"
for _, t in ipairs({ 0, 1700000000, 1262304000, 1609459200, 951782400 }) do
  print(os.date(f, t))
end
local tt = os.date("!*t", 1700000000)
print(tt.year, tt.month, tt.day, tt.hour, tt.min, tt.sec, tt.wday, tt.yday, tt.isdst)
print(os.setlocale("C", "all"), os.setlocale("C"), os.setlocale(), os.setlocale("POSIX", "time"))
print(os.setlocale("xx_NOSUCH.UTF-8"))
