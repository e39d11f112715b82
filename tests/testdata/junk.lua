-- Every function and method of os, os.path, io, socket, subprocess, time,
-- shutil and shlex, called with junk arguments (NaN, infinities, huge and
-- negative numbers, wrong types), one and two at a time. Each call may
-- fail or raise; none may raise a Go runtime error, crash or hang. Run in a restricted runtime (junk_test.go),
-- so that nothing outside its temporary directory can be touched.
local socket = require("socket")
local sp = require("subprocess")
local junk = { 0/0, 1/0, -1/0, -1, 2^31, 2^53, -2^63, 1.5, 1e300, "", "\0", {}, {1}, true, false, print }
-- Left out: what ends the script, blocks by design on a junk timeout, or
-- writes to the test's own output.
local skip = { exit = true, close = true, dup2 = true, write = true, print = true, sleep = true }
local found = {}
-- Junk calls may make a directory named "+Inf", enter it and remove it:
-- go back to where the script started before starting children.
local start = assert(os.getcwd())
local function try(name, f, ...)
  local ok, err = pcall(f, ...)
  local msg = tostring(err)
  if not ok and (msg:find("runtime error") or msg:find("invalid memory") or msg:find("goroutine ")) then
    found[#found + 1] = name .. ": " .. msg:sub(1, 200)
  end
end
local function each(name, f, self)
  for _, a in ipairs(junk) do
    if self then try(name, f, self, a) else try(name, f, a) end
    for _, b in ipairs(junk) do
      if self then try(name, f, self, a, b) else try(name, f, a, b) end
    end
  end
end
for mname, mod in pairs({ os = os, ["os.path"] = os.path, io = io, socket = socket, subprocess = sp,
    time = require("time"), shutil = require("shutil"), shlex = require("shlex") }) do
  for fname, f in pairs(mod) do
    if type(f) == "function" and not skip[fname] then each(mname .. "." .. fname, f) end
  end
end
local a, b = socket.socketpair()
local objects = { socket = a, file = io.tmpfile(), dgram = socket.socket("inet", "dgram") }
for oname, o in pairs(objects) do
  for fname, f in pairs(getmetatable(o).__index) do
    if type(f) == "function" and not skip[fname] then
      -- Non-blocking, so that a junk receive cannot wait for ever.
      if o.settimeout then o:settimeout(0) end
      each(oname .. ":" .. fname, function(...) if o.settimeout then o:settimeout(0) end return f(...) end, o)
    end
  end
end
assert(os.chdir(start))
local p = assert(sp.Popen({ "/bin/true" }))
for _, m in ipairs({ "poll", "wait", "send_signal", "communicate" }) do each("proc:" .. m, p[m], p) end
p:wait()
if #found > 0 then error(table.concat(found, "\n")) end
