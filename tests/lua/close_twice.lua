-- Closing twice (docs/conventions.md, "Closing twice"): an object's
-- close() on a closed object does nothing and returns true; os.close on a
-- number that is not open is an OS error that names the descriptor.
local socket = require("socket")
local subprocess = require("subprocess")
local select = require("select")
local task = require("task")
local path = T.tmpdir .. "/twice.txt"

-- a raw descriptor: the second os.close fails, naming the fd
local fd = assert(os.open(path, "w"))
eq(os.close(fd), true, "os.close")
local msg = fails("EBADF", nil, os.close, fd)
eq(msg, "close: fd " .. fd .. ": bad file descriptor", "the second os.close names the fd")

-- io files, however they were made
local f = assert(io.open(path))
eq(f:close(), true, "f:close")
eq(f:close(), true, "f:close on a closed file")
eq(io.close(f), true, "io.close on a closed file")
eq(io.type(f), "closed file", "still a closed file")
raises("attempt to use a closed file", function() f:read() end)
raises("attempt to use a closed file", function() f:write("x") end)

f = assert(io.open(path))
local n = f:fileno()
eq(os.close(n), true, "os.close of a file's descriptor")
eq(io.type(f), "closed file", "os.close marks the file closed")
eq(f:close(), true, "f:close after os.close of its fd")
fails("EBADF", "^close: fd " .. n .. ": ", os.close, n)

f = assert(io.open(path, "w"))
io.output(f)
eq(io.close(), true, "io.close() closes the default output")
eq(io.close(), true, "io.close() again")
io.output(io.stdout)

local p = assert(io.popen("true"))
eq(p:close(), true, "popen close")
eq(p:close(), true, "popen close twice")

local t = io.tmpfile()
eq(t:close(), true, "tmpfile close")
eq(t:close(), true, "tmpfile close twice")

local r, w = assert(os.pipe())
f = assert(os.fdopen(r))
eq(f:close(), true, "fdopen close")
eq(f:close(), true, "fdopen close twice")
fails("EBADF", "^close: fd " .. r .. ": ", os.close, r)
eq(os.close(w), true, "the pipe's other end")

-- a child's pipes: communicate closes them, closing them again is harmless
local proc = assert(subprocess.Popen({"cat"}, {stdin = subprocess.PIPE, stdout = subprocess.PIPE}))
eq(proc:communicate("hi"), "hi", "communicate")
eq(proc.stdin:close(), true, "proc.stdin closed twice")
eq(proc.stdout:close(), true, "proc.stdout closed twice")

-- sockets
local a, b = assert(socket.socketpair())
eq(a:close(), true, "sock:close")
eq(a:close(), true, "sock:close twice")
n = b:fileno()
eq(os.close(n), true, "os.close of a socket's descriptor")
eq(b:close(), true, "sock:close after os.close of its fd")
fails("EBADF", "^close: fd " .. n .. ": ", os.close, n)

-- epoll, where there is one
if select.epoll then
  local ep = assert(select.epoll())
  n = ep:fileno()
  eq(ep:close(), true, "epoll close")
  eq(ep:close(), true, "epoll close twice")
  fails("EBADF", "^close: fd " .. n .. ": ", os.close, n)
end

-- task channels
local ch = task.channel()
eq(ch:close(), true, "channel close")
eq(ch:close(), true, "channel close twice")

-- a directory stream (the fourth value of os.scandir)
local _, _, _, dir = os.scandir(T.tmpdir)
eq(dir:close(), true, "scandir close")
eq(dir:close(), true, "scandir close twice")
