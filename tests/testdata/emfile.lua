-- Run with a low descriptor limit: open pipes until the limit is hit.
local fds = {}
local msg, errno
while true do
  local r, w, e = os.pipe()
  if not r then msg, errno = w, e break end
  fds[#fds + 1] = r
  fds[#fds + 1] = w
  assert(#fds < 100000, "no limit hit")
end
eq(errno, os.errno.EMFILE, "errno at the limit")
eq(msg, "pipe: too many open files", "message at the limit")
-- A pipe needs two descriptors: one may still be free. Take it.
while true do
  local fd = os.open("/dev/null", "r")
  if not fd then break end
  fds[#fds + 1] = fd
end
fails("EMFILE", "^open: /dev/null: too many open files$", io.open, "/dev/null")
fails("EMFILE", nil, os.dup, 0)
for _, fd in ipairs(fds) do os.close(fd) end
-- The runtime works again.
local r, w = assert(os.pipe())
os.write(w, "ok")
eq(os.read(r, 2), "ok", "after the limit")
os.close(r)
os.close(w)
