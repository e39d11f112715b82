-- The checks every Lua test uses; the Go driver (lua_test.go) runs this
-- before each test file and adds the T table (T.tmpdir, T.inherited, ...).

-- eq fails unless got == want.
function eq(got, want, msg)
  if got ~= want then
    error(string.format("%s: got %s, want %s", msg or "eq", tostring(got), tostring(want)), 2)
  end
end

-- fails calls fn(...) and checks the nil, message, errno convention: errno
-- must be os.errno[name], and the message must match pattern if given.
function fails(name, pattern, fn, ...)
  local r = { fn(...) }
  if r[1] ~= nil then
    error(string.format("want failure %s, got success %s", name, tostring(r[1])), 2)
  end
  if type(r[2]) ~= "string" then
    error("want a message string, got " .. tostring(r[2]), 2)
  end
  if r[3] ~= os.errno[name] then
    error(string.format("want errno %s (%s), got %s (%s): %s", name, tostring(os.errno[name]),
      tostring(r[3]), tostring(os.errno[r[3]]), r[2]), 2)
  end
  if pattern and not r[2]:find(pattern) then
    error(string.format("message %q does not match %q", r[2], pattern), 2)
  end
  return r[2]
end

-- raises calls fn(...) and checks that it raises an error matching pattern
-- (a plain substring).
function raises(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then
    error("want an error matching '" .. pattern .. "', got none", 2)
  end
  if not tostring(err):find(pattern, 1, true) then
    error(string.format("error %q does not contain %q", tostring(err), pattern), 2)
  end
end

-- sees reports whether a child (lsfds, started so that it inherits every
-- inheritable descriptor) received fd.
function sees(fd)
  return T.inherited()[fd] ~= nil
end

-- child runs lsfds with subprocess.Popen options opts and returns what it
-- inherited: {[fd] = {kind=, access=, nonblock=, target=}}, and the count.
function child(opts)
  local sp = require("subprocess")
  opts = opts or {}
  local out = opts.stdout
  local args = {"lsfds"}
  if out == nil then
    opts.stdout = sp.PIPE
  else
    -- stdout is taken: have lsfds print on stderr instead.
    args = {"lsfds", "2"}
    opts.stderr = sp.PIPE
  end
  local p = assert(sp.Popen(args, opts))
  local o, e = p:communicate()
  assert(p.returncode == 0, "lsfds failed: " .. tostring(e))
  local text = out == nil and o or e
  local fds, n = {}, 0
  for fd, kind, access, target in text:gmatch("(%d+) (%S+) (%S+) ([^\n]*)\n") do
    fds[tonumber(fd)] = { kind = kind, access = access:gsub(",nonblock", ""), nonblock = access:find("nonblock") ~= nil, target = target }
    n = n + 1
  end
  return fds, n
end

-- target returns what /proc shows for one of our descriptors.
function target(fd)
  for _, d in ipairs(os.fds()) do
    if d.fd == fd then return d.target end
  end
end
