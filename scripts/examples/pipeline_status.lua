#!/usr/bin/env safesh
-- A pipeline whose stages are joined pipe to pipe, with the status of
-- every stage (what a shell's PIPESTATUS gives).
--
-- usage: safesh pipeline_status.lua

local subprocess = require("subprocess")

local res = subprocess.pipeline({
  {"printf", "pear\napple\nfig\napple\n"},
  {"sort"},
  {"uniq", "-c"},
  "grep -v fig; exit 3",          -- a string stage runs under /bin/sh
}, {capture_output = true})

io.write(res.stdout)
for i, rc in ipairs(res.returncodes) do
  print(string.format("stage %d: returncode %d", i, rc))
end

-- check = true raises as soon as any stage failed, as pipefail would.
local ok, err = pcall(subprocess.pipeline, {{"true"}, {"false"}, {"true"}}, {check = true})
print(ok, tostring(err))
