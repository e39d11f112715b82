#!/usr/bin/env safesh
-- The audit view: every descriptor of the process, whether a child would
-- inherit it, and what it refers to.
--
-- usage: safesh fds.lua

local r, w = os.pipe()                 -- non-inheritable, like everything safesh creates
local f = assert(io.open(arg[0]))      -- so is this
local keep = os.dup2(w, 9)             -- dup2 is the documented way to get an inheritable copy

print(string.format("%-4s %-12s %-7s %s", "fd", "inheritable", "kind", "target"))
for _, d in ipairs(os.fds()) do
  print(string.format("%-4d %-12s %-7s %s", d.fd, tostring(d.inheritable), d.kind, d.target))
end

f:close()
os.close(r)
os.close(w)
os.close(keep)
