#!/usr/bin/env safesh
-- Copy a file through descriptors that no child process can inherit,
-- then show, from a child's side, that the child got none of them.
--
-- usage: safesh copy_file.lua [source [destination]]
-- With no arguments it copies itself to a temporary file.

local src = arg[1] or arg[0]
local dst = arg[2] or os.tmpname()

local from = assert(os.open(src, "r"))
local to = assert(os.open(dst, "w"))
local copied = 0
while true do
  local chunk = assert(os.read(from, 65536))
  if chunk == "" then break end
  local n = assert(os.write(to, chunk))
  assert(n == #chunk, "short write")
  copied = copied + n
end
print(string.format("copied %d bytes from %s to %s", copied, src, dst))

-- Both descriptors are close-on-exec: a child started now does not get
-- them, even though nobody took care to close them first.
print("inheritable?", os.get_inheritable(from), os.get_inheritable(to))
local child = io.popen("ls /proc/self/fd 2>/dev/null || ls /dev/fd")
local seen = child:read("*a")
child:close()
for fd in seen:gmatch("%d+") do
  fd = tonumber(fd)
  assert(fd ~= from and fd ~= to or fd <= 2, "the child inherited fd " .. fd)
end
-- 0, 1 and 2 are the child's standard streams; a higher one (3, say) is
-- ls's own: the directory /proc/self/fd it opened to list, not ours.
print("a child saw fds: " .. (seen:gsub("%s+", " ")) .. "(0-2 its standard streams, any other ls's own directory)")

os.close(from)
os.close(to)
if not arg[2] then os.remove(dst) end
