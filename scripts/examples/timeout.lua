#!/usr/bin/env safesh
-- Run a command with a timeout: a stuck child is killed, with its whole
-- process group when it runs in its own session, and run returns promptly
-- even if a grandchild still holds the pipes.
--
-- usage: safesh timeout.lua

local subprocess = require("subprocess")
local time = require("time")

local start = time.monotonic()
local ok, err = pcall(subprocess.run,
  {"sh", "-c", "echo working; sleep 60 & sleep 60"},
  {timeout = 0.5, capture_output = true, start_new_session = true})
assert(not ok)
print(tostring(err))
print("returncode: " .. err.returncode .. ", output so far: " .. err.stdout:gsub("\n$", ""))
print(string.format("returned after %.2f s", time.monotonic() - start))

-- A command that finishes in time is just a result.
local r = subprocess.run({"echo", "in time"}, {timeout = 5, capture_output = true})
io.write(r.stdout)
