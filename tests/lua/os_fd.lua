-- os: descriptor calls, their results, and their errors.
local path = T.tmpdir .. "/data"

-- open, write, lseek, read, close
local fd = assert(os.open(path, os.O_RDWR + os.O_CREAT + os.O_TRUNC, 384))
eq(type(fd), "number", "open returns a number")
eq(os.get_inheritable(fd), false, "a new fd is non-inheritable")
eq(os.write(fd, "hello world"), 11, "write returns the count")
eq(os.lseek(fd, 0, "set"), 0, "lseek set")
eq(os.read(fd, 5), "hello", "read")
eq(os.lseek(fd, 1, "cur"), 6, "lseek cur")
eq(os.read(fd, 100), "world", "read past the end is short")
eq(os.read(fd, 100), "", "read at end of file")
eq(os.lseek(fd, -5, "end"), 6, "lseek end")
eq(os.read(fd, 0), "", "read of 0 bytes")
eq(os.close(fd), true, "close")

-- mode strings
local r = assert(os.open(path, "r"))
eq(os.read(r, 5), "hello", "mode r")
fails("EBADF", "^write: bad file descriptor$", os.write, r, "x")
os.close(r)
local a = assert(os.open(path, "a"))
os.write(a, "!")
os.close(a)
local rp = assert(os.open(path, "r+"))
eq(os.read(rp, 100), "hello world!", "append mode appended")
os.close(rp)
eq(os.close(assert(os.open(path, "w"))), true, "w truncates")
eq(io.open(path):read("*a"), "", "w truncated")

-- errors: ENOENT, EEXIST, EISDIR, EACCES, EBADF, with call and file named
fails("ENOENT", "^open: " .. T.tmpdir .. "/nope: no such file or directory$", os.open, T.tmpdir .. "/nope", "r")
fails("EEXIST", "^open: .*/data: file exists$", os.open, path, "wx")
fails("EEXIST", nil, os.open, path, os.O_WRONLY + os.O_CREAT + os.O_EXCL)
fails("EISDIR", "is a directory", os.open, T.tmpdir, "w")
fails("ENOTDIR", nil, os.open, path, os.O_RDONLY + os.O_DIRECTORY)
local denied = T.root and "/proc/sys/kernel/osrelease" or "/etc/shadow"
fails("EACCES", "permission denied", os.open, denied, "w")
fails("EBADF", "^close: fd 999: bad file descriptor$", os.close, 999)
do local r, w = os.pipe() os.close(w) os.close(r) fails("EBADF", "^close: fd " .. r .. ": bad file descriptor$", os.close, r) end
fails("EBADF", "^read: ", os.read, 999, 1)
fails("EBADF", "^dup: ", os.dup, 999)
fails("EBADF", "^dup2: ", os.dup2, 999, 998)
fails("EBADF", nil, os.get_inheritable, 999)
fails("EBADF", nil, os.set_inheritable, 999, true)
fails("EBADF", nil, os.lseek, 999, 0, "set")
local pr, pw = os.pipe()
fails("ESPIPE", "^lseek: illegal seek$", os.lseek, pr, 0, "set")
os.close(pr)
os.close(pw)
fails("EBADF", nil, os.close, pr)

-- argument errors raise, in Lua's form
raises("bad argument #1 to 'open' (string expected, got no value)", function() os.open() end)
raises("bad argument #2 to 'open' (invalid mode 'rw')", function() os.open(path, "rw") end)
raises("bad argument #2 to 'open' (invalid mode 'rx')", function() os.open(path, "rx") end)
raises("bad argument #2 to 'open' (number has no integer representation)", function() os.open(path, 3.5) end)
raises("bad argument #2 to 'open' (invalid flags", function() os.open(path, 2^40) end)
raises("bad argument #2 to 'open' (number or string expected, got nil)", function() os.open(path, nil) end)
raises("bad argument #1 to 'close' (fd must be a non-negative integer, got -1)", function() os.close(-1) end)
raises("bad argument #1 to 'close' (fd must be a non-negative integer, got 1.5)", function() os.close(1.5) end)
raises("bad argument #1 to 'read' (fd (number) expected, got string)", function() os.read("3", 1) end)
raises("bad argument #2 to 'read' (count must be non-negative)", function() os.read(0, -1) end)
raises("bad argument #3 to 'lseek' (invalid option 'top'", function() os.lseek(0, 0, "top") end)
raises("bad argument #2 to 'set_inheritable' (boolean expected, got number)", function() os.set_inheritable(0, 1) end)
raises("bad argument #3 to 'dup2' (boolean expected, got string)", function() os.dup2(0, 50, "yes") end)
raises("bad argument #2 to 'fdopen' (invalid mode 'q')", function() os.fdopen(0, "q") end)

-- errno table: names to numbers and back
eq(os.errno.ENOENT, 2, "ENOENT")
eq(os.errno[os.errno.EBADF], "EBADF", "reverse lookup")
eq(os.errno[os.errno.EAGAIN], "EAGAIN", "EAGAIN wins over EWOULDBLOCK")
for _, name in ipairs({"EACCES", "EINVAL", "EMFILE", "EPIPE", "EINTR", "ECHILD", "ETIMEDOUT"}) do
  assert(type(os.errno[name]) == "number", name)
end

-- O_* flags are distinct powers of two (or 0)
local seen = {}
for _, name in ipairs({"O_WRONLY", "O_RDWR", "O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND",
                       "O_NONBLOCK", "O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC"}) do
  local v = os[name]
  assert(v > 0 and not seen[v], name)
  local p = 1
  while p < v do p = p * 2 end
  eq(p, v, name .. " is a power of two")
  seen[v] = true
end
eq(os.O_RDONLY, 0, "O_RDONLY")
eq(os.getpid() > 1, true, "getpid")

-- os.clock is processor time, as C's clock(): it grows with work, and not
-- while the process waits for a child.
local c0 = os.clock()
local x = 0
for i = 1, 2e6 do x = x + i end
local c1 = os.clock()
eq(c1 > c0, true, "os.clock grows with work")
os.execute("sleep 0.3")
eq(os.clock() - c1 < 0.15, true, "os.clock does not count a wait")
