-- os: every creator's descriptor is non-inheritable, proven from a child's
-- side; set_inheritable and dup2 make it inheritable.
local path = T.tmpdir .. "/f"
local created = {}
created.open = { assert(os.open(path, "w+")) }
created.pipe = { os.pipe() }
created.dup = { os.dup(created.open[1]) }
created.openpty = { os.openpty() }
created.dup2 = { os.dup2(created.open[1], 60, false) }

local child = T.inherited()
for name, fds in pairs(created) do
  for _, fd in ipairs(fds) do
    eq(os.get_inheritable(fd), false, name .. " flag")
    eq(child[fd], nil, name .. ": child must not see fd " .. fd)
  end
end

-- set_inheritable(true): the child sees them; (false): not again
for _, fds in pairs(created) do
  for _, fd in ipairs(fds) do os.set_inheritable(fd, true) end
end
child = T.inherited()
for name, fds in pairs(created) do
  for _, fd in ipairs(fds) do
    eq(os.get_inheritable(fd), true, name .. " flag after set_inheritable(true)")
    assert(child[fd], name .. ": child must see fd " .. fd .. " after set_inheritable(true)")
  end
end
eq(child[created.pipe[1]], "pipe", "the child sees a pipe")
eq(child[created.openpty[2]], "tty", "the child sees a tty")
for _, fds in pairs(created) do
  for _, fd in ipairs(fds) do os.set_inheritable(fd, false) end
end
child = T.inherited()
for name, fds in pairs(created) do
  for _, fd in ipairs(fds) do
    eq(child[fd], nil, name .. ": child must not see fd " .. fd .. " after set_inheritable(false)")
  end
end

-- dup2 defaults to inheritable, as in PEP 446
local fd2 = os.dup2(created.pipe[2], 61)
eq(fd2, 61, "dup2 returns fd2")
eq(os.get_inheritable(61), true, "dup2 default is inheritable")
eq(T.inherited()[61], "pipe", "the child sees dup2's copy")
eq(os.dup2(61, 61), 61, "dup2 onto itself")
eq(os.get_inheritable(61), true, "dup2 onto itself changes nothing")
os.close(61)
fails("EBADF", nil, os.dup2, 61, 61)

-- io files and fdopen
local f = assert(io.open(path, "w"))
eq(f:get_inheritable(), false, "io.open file")
eq(T.inherited()[f:fileno()], nil, "child must not see io.open's fd")
eq(f:set_inheritable(true), true, "file:set_inheritable")
eq(T.inherited()[f:fileno()], "file", "child sees the file after set_inheritable(true)")
f:close()
local t = io.tmpfile()
eq(t:get_inheritable(), false, "io.tmpfile")
t:close()

-- os.fds: the audit view
local r, w = os.pipe()
os.set_inheritable(w, true)
local byfd = {}
for _, e in ipairs(os.fds()) do byfd[e.fd] = e end
eq(byfd[r].kind, "pipe", "fds kind")
eq(byfd[r].inheritable, false, "fds inheritable")
eq(byfd[w].inheritable, true, "fds inheritable after set")
assert(byfd[r].target:match("^pipe:%["), "fds target " .. byfd[r].target)
eq(byfd[created.openpty[2]].kind, "tty", "fds tty")
