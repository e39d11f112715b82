#!/usr/bin/env safesh
-- Pass an open file to a child by number, as `gpg --status-fd` and socket
-- activation expect: the child gets it at the same number, and nothing
-- else. The parent's copy stays non-inheritable.
--
-- usage: safesh pass_file.lua [file]

local subprocess = require("subprocess")

local path = arg[1] or arg[0]
local f = assert(io.open(path))
local fd = f:fileno()

-- The child reads the file through the very descriptor number we hold.
local r = assert(subprocess.run({"sh", "-c", "wc -l <&" .. fd}, {pass_fds = {fd}, capture_output = true}))
print(string.format("the child counted %d lines through fd %d", tonumber(r.stdout), fd))

-- Without pass_fds the child has no such descriptor.
r = assert(subprocess.run({"sh", "-c", "cat <&" .. fd .. " 2>&1 || echo no fd " .. fd},
  {capture_output = true}))
print("without pass_fds: " .. r.stdout:gsub("\n$", ""))

print("inheritable in the parent?", f:get_inheritable())
f:close()
