-- Bad-argument messages name the function (docs/conventions.md, "Misuse
-- raises"): as the caller spelled it, or, when the call names none
-- (pcall(f, ...), a coroutine's body, t[1](...)), by where the loaded
-- modules hold it, as Lua 5.4 does.
local socket = require("socket")
local subprocess = require("subprocess")
local time = require("time")
local shutil = require("shutil")
local shlex = require("shlex")
local select = require("select")
local task = require("task")
local signal = require("signal")

local function msg(ok, err)
  eq(ok, false, "the call raised")
  return (tostring(err):gsub("^[^:]*:%d+: ", ""))
end

for _, c in ipairs({
  {os.close, {-1}, "bad argument #1 to 'os.close' (fd must be a non-negative integer, got -1)"},
  {os.close, {2^40}, "bad argument #1 to 'os.close' (fd out of range, got 1099511627776)"},
  {os.open, {}, "bad argument #1 to 'os.open' (string expected, got no value)"},
  {os.path.join, {"a", {}}, "bad argument #2 to 'os.path.join' (string expected, got table)"},
  {io.open, {"x", "q"}, "bad argument #2 to 'io.open' (invalid mode 'q')"},
  {socket.socket, {"bogus"}, "bad argument #1 to 'socket.socket' (invalid option 'bogus' (expected 'inet', 'inet6', 'unix'))"},
  {subprocess.run, {1}, "bad argument #1 to 'subprocess.run' (table or string expected, got number)"},
  {time.sleep, {"x"}, "bad argument #1 to 'time.sleep' (number expected, got string)"},
  {shutil.copyfile, {}, "bad argument #1 to 'shutil.copyfile' (string expected, got no value)"},
  {shlex.split, {{}}, "bad argument #1 to 'shlex.split' (string expected, got table)"},
  {select.select, {1}, "bad argument #1 to 'select.select' (table expected, got number)"},
  {task.spawn, {1}, "bad argument #1 to 'task.spawn' (function expected, got number)"},
  {signal.signal, {}, "bad argument #1 to 'signal.signal'"},
}) do
  local got = msg(pcall(c[1], unpack(c[2])))
  eq(got:sub(1, #c[3]), c[3], "message")
end

-- the caller's own name wins where it has one
eq(msg(pcall(function() os.close(-1) end)), "bad argument #1 to 'close' (fd must be a non-negative integer, got -1)", "direct call")
local closer = os.close
eq(msg(pcall(function() closer(-1) end)), "bad argument #1 to 'closer' (fd must be a non-negative integer, got -1)", "a local")
local t = {os.close}
eq(msg(pcall(function() t[1](-1) end)), "bad argument #1 to 'os.close' (fd must be a non-negative integer, got -1)", "t[1]")

-- a coroutine's body
local ok, err = coroutine.resume(coroutine.create(os.close), -1)
eq(ok, false, "the coroutine raised")
raises("bad argument #1 to 'os.close' (fd must be a non-negative integer, got -1)", error, err)

-- a method called through pcall: named by its key, the object counted
local f = assert(io.open(T.tmpdir .. "/x", "w"))
eq(msg(pcall(f.seek, f, "bad")), "bad argument #2 to 'seek' (invalid option 'bad' (expected 'set', 'cur', 'end'))", "a method by value")
eq(msg(pcall(function() f:seek("bad") end)), "bad argument #1 to 'seek' (invalid option 'bad' (expected 'set', 'cur', 'end'))", "a method call")
f:close()

-- a function no module holds
local anon = select.select
eq(msg(pcall(function() anon({}, {}, {}, -1) end)):match("^bad argument #4 to '(%w+)'"), "anon", "a local's name")

-- gopher-lua's own libraries say it in Lua's form too (patch 0034):
-- quoted, '?' where the call gives no name, "no value" for a missing one
eq(msg(pcall(function() table.insert() end)), "bad argument #1 to 'insert' (table expected, got no value)", "table.insert")
eq(msg(pcall(function() local tb = table; tb.concat(1) end)), "bad argument #1 to 'concat' (table expected, got number)", "table.concat")
eq(msg(pcall(table.insert)), "bad argument #1 to '?' (table expected, got no value)", "table.insert by value")
eq(msg(pcall(function() tonumber() end)), "bad argument #1 to 'tonumber' (value expected)", "tonumber")
