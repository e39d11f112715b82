-- io: the whole Lua 5.1 io library over non-inheritable files.
local path = T.tmpdir .. "/io.txt"

-- open, write (strings and numbers), close; write returns the file
local f = assert(io.open(path, "w"))
eq(io.type(f), "file", "io.type")
eq(f:write("line one\n", 2, "\n", "  3.25  -0x1A 1e3 junk\n"), f, "write returns the file")
f:write("last line without newline")
eq(f:close(), true, "close")
eq(io.type(f), "closed file", "io.type closed")
eq(tostring(f), "file (closed)", "tostring closed")
raises("attempt to use a closed file", function() f:write("x") end)
raises("attempt to use a closed file", function() f:read() end)
eq(f:close(), true, "closing a closed file does nothing (docs/conventions.md)")
eq(io.type(42), nil, "io.type of a number")

-- read formats
f = assert(io.open(path))
eq(f:read(), "line one", "read() is *l")
eq(f:read("*n"), 2, "*n")
eq(f:read("*n"), 3.25, "*n with spaces and fraction")
eq(f:read("*n"), -26, "*n hexadecimal")
eq(f:read("*n"), 1000, "*n exponent")
eq(f:read("*n"), nil, "*n on junk")
eq(f:read("*l"), "junk", "*l after the failed number")
eq(f:read(4), "last", "count")
eq(f:read(0), "", "read(0) before end of file")
eq(f:read("*a"), " line without newline", "*a")
eq(f:read("*a"), "", "*a at end of file")
eq(f:read("*l"), nil, "*l at end of file")
eq(f:read(1), nil, "count at end of file")
eq(f:read(0), nil, "read(0) at end of file")
f:close()

-- *n reads as C Lua 5.1's fscanf("%lf") with glibc: what it took is
-- consumed even past the number, and "inf", "nan" are numbers. Each case:
-- input, the number (as show gives it) and what is left. Generated with
-- lua5.1; TestReadNumberMatchesLua51 compares many more with it directly.
local function show(n)
  if n == nil then return "nil" end
  if n ~= n then return "nan" end
  if n == 1/0 then return "inf" elseif n == -1/0 then return "-inf" end
  if n == 0 and 1/n < 0 then return "-0" end
  return string.format("%.17g", n)
end
for _, c in ipairs({
  {"inf", "inf", ""}, {"-inf", "-inf", ""}, {"+INF", "inf", ""}, {"infinity", "inf", ""},
  {"iNfInItYx", "inf", "x"}, {"infx", "inf", "x"}, {"infin", "nil", ""}, {"infix", "nil", ""},
  {"in", "nil", ""}, {"inx", "nil", ""}, {"nan", "nan", ""}, {"-nan", "nan", ""}, {"NaN", "nan", ""},
  {"nan(1)", "nan", "(1)"}, {"nax", "nil", ""}, {"1e", "1", ""}, {"1e+", "1", ""}, {"1ex", "1", "x"},
  {"1E+5", "100000", ""}, {".e1", "nil", "e1"}, {".5e", "0.5", ""}, {"e5", "nil", "e5"}, {".", "nil", ""},
  {"-", "nil", ""}, {"--1", "nil", "-1"}, {"  -  1", "nil", "  1"}, {"5.", "5", ""}, {"1..2", "1", ".2"},
  {"1e1e1", "10", "e1"}, {"0x1p3", "8", ""}, {"0X1P-2", "0.25", ""}, {"0x1.8", "1.5", ""},
  {"0x.8", "0.5", ""}, {"0x1e3", "483", ""}, {"0x", "nil", ""}, {"0xg", "nil", "g"}, {"0x.", "0", ""},
  {"0x.p1", "0", "p1"}, {"0x1p", "1", ""}, {"00x1", "0", "x1"}, {"-0x10", "-16", ""}, {"-0", "-0", ""},
  {"1e400", "inf", ""}, {"0x1p-1074", "4.9406564584124654e-324", ""}, {"\n\t7 ", "7", " "},
}) do
  local name = T.tmpdir .. "/number"
  local w = assert(io.open(name, "w")) w:write(c[1]) w:close()
  local r = assert(io.open(name))
  local n = r:read("*n")
  eq(show(n), c[2], "*n of " .. string.format("%q", c[1]))
  eq(r:read("*a"), c[3], "what *n of " .. string.format("%q", c[1]) .. " left")
  r:close()
end

-- several formats in one call, stopping at the first failure
f = assert(io.open(path))
local a, b, c = f:read("*l", 3, "*l")
eq(a, "line one", "multi 1")
eq(b, "2\n ", "multi 2")
eq(c, " 3.25  -0x1A 1e3 junk", "multi 3")
raises("bad argument #1 to 'read' (invalid format)", function() f:read("*x") end)
raises("bad argument #2 to 'read' (invalid format)", function() f:read("*l", {}) end)
f:close()

-- *L keeps the newline
f = assert(io.open(path))
eq(f:read("*L"), "line one\n", "*L")
f:close()

-- lines
local lines = {}
for line in io.lines(path) do lines[#lines + 1] = line end
eq(#lines, 4, "io.lines count")
eq(lines[4], "last line without newline", "io.lines last")
f = assert(io.open(path))
local n = 0
for _ in f:lines() do n = n + 1 end
eq(n, 4, "file:lines")
eq(io.type(f), "file", "file:lines does not close")
f:close()
raises("no such file or directory", function() io.lines(T.tmpdir .. "/none") end)

-- seek, with buffers on both sides
f = assert(io.open(path, "r+"))
eq(f:seek("end"), 59, "seek end returns the size")
eq(f:seek("set", 5), 5, "seek set")
eq(f:read(3), "one", "read after seek")
eq(f:seek(), 8, "seek() is cur, accounting for read-ahead")
f:write("!")          -- writing after reading, without a seek in between
eq(f:seek("cur"), 9, "position after the write")
f:seek("set", 0)
eq(f:read("*l"), "line one!2", "the write replaced the newline, where the read stopped")
eq(f:seek("set", 0), 0, "seek back")
raises("bad argument #1 to 'seek' (invalid option 'middle'", function() f:seek("middle") end)
f:close()

-- setvbuf: "no" writes at once, "full" waits for flush or close
f = assert(io.open(path, "w"))
eq(f:setvbuf("full", 1024), true, "setvbuf full")
f:write("buffered")
local peek = io.open(path)
eq(peek:read("*a"), "", "full buffering holds the data")
eq(f:flush(), true, "flush")
eq(peek:read("*a"), "buffered", "flushed")
f:setvbuf("no")
f:write("+")
eq(peek:read("*a"), "+", "no buffering writes at once")
f:setvbuf("line")
f:write("a")
eq(peek:read("*a"), "", "line buffering waits for a newline")
f:write("b\n")
eq(peek:read("*a"), "ab\n", "line buffering flushes at a newline")
raises("bad argument #1 to 'setvbuf' (invalid option 'some'", function() f:setvbuf("some") end)
f:close()
peek:close()

-- io.input, io.output, io.read, io.write, io.close, io.flush
local out = T.tmpdir .. "/out.txt"
local old = io.output()
eq(io.output(out), io.output(), "io.output(name) sets and returns the file")
eq(io.write("x", 1, "\n"), io.output(), "io.write returns the default output")
eq(io.flush(), true, "io.flush")
eq(io.close(), true, "io.close closes the default output")
io.output(old)
io.input(out)
eq(io.read(), "x1", "io.read from io.input")
eq(io.read("*l"), nil, "io.read at end")
io.close(io.input())
io.input(io.stdin)
raises("no such file or directory", function() io.input(T.tmpdir .. "/none") end)

-- standard files cannot be closed, and stay usable
local ok, msg, errno = io.stdout:close()
eq(ok, nil, "closing stdout fails")
eq(msg, "cannot close standard file", "closing stdout message")
eq(errno, os.errno.EBADF, "closing stdout errno")
eq(io.type(io.stdout), "file", "stdout still open")

-- errors with errno
fails("ENOENT", "^open: .*/none: no such file or directory$", io.open, T.tmpdir .. "/none")
fails("EEXIST", "file exists", io.open, path, "wx")
fails("EISDIR", nil, io.open, T.tmpdir, "w")
raises("bad argument #2 to 'open' (invalid mode 'z')", function() io.open(path, "z") end)
raises("bad argument #1 to 'open' (string expected, got nil)", function() io.open(nil) end)
f = assert(io.open(path, "r"))
fails("EBADF", "^write: ", function() return f:write("x") end)
f:close()

-- fileno, fdopen, and os.close on a file's descriptor
f = assert(io.open(path, "w"))
local fd = f:fileno()
eq(type(fd), "number", "fileno")
f:write("pending")
eq(os.close(fd), true, "os.close of a file's fd")
eq(io.type(f), "closed file", "os.close marks the file closed")
eq(io.open(path):read("*a"), "pending", "os.close flushed the file first")
local r, w = os.pipe()
local wf = os.fdopen(w, "w")
local rf = os.fdopen(r)
wf:write("through a pipe\n")
wf:close()
eq(rf:read("*a"), "through a pipe\n", "fdopen pipe")
rf:close()
fails("EBADF", nil, os.close, r)

-- tmpfile
local t = io.tmpfile()
t:write("temp")
t:seek("set")
eq(t:read("*a"), "temp", "tmpfile round trip")
t:close()

-- popen: read from and write to a child; close gives its status
local p = io.popen("echo out; exit 7")
eq(p:read("*l"), "out", "popen read")
local ok, how, code = p:close()
eq(ok, true, "popen close")
eq(how, "exit", "popen close how")
eq(code, 7, "popen close code")
p = io.popen("cat > " .. T.tmpdir .. "/popen.txt", "w")
p:write("to the child")
p:close()
eq(io.open(T.tmpdir .. "/popen.txt"):read("*a"), "to the child", "popen write")
p = io.popen("kill -9 $$")
local _, how2, sig = p:close()
eq(how2, "signal", "popen killed")
eq(sig, 9, "popen signal number")
raises("bad argument #2 to 'popen' (invalid option 'rw'", function() io.popen("true", "rw") end)

-- os.execute
local status, kind, value = os.execute("exit 3")
eq(status, 3, "execute status")
eq(kind, "exit", "execute kind")
eq(value, 3, "execute value")
eq(os.execute("kill -15 $$"), 128 + 15, "execute killed by a signal")
eq(os.execute(), 1, "a shell is available")

-- tmpname creates the file exclusively
local name = os.tmpname()
local tf = assert(io.open(name))
tf:close()
eq(os.remove(name), true, "remove")
fails("ENOENT", "^remove: .*: no such file or directory$", os.remove, name)
fails("ENOENT", "^rename: ", os.rename, name, name .. ".2")

-- os.close on a file with buffered output that cannot be written reports
-- it, and the file is closed all the same: nothing is lost silently
local pr, pw = os.pipe()
local pf = os.fdopen(pw, "w")
pf:setvbuf("full")
pf:write("never read")
os.close(pr)
fails("EPIPE", "^write: broken pipe$", os.close, pw)
eq(io.type(pf), "closed file", "the file is closed despite the error")

-- Counts and sizes far beyond the data or the machine are no crash: a read
-- count allocates as the data arrives, setvbuf's size is a hint, and
-- string.rep refuses a result larger than memory.
local hf = assert(io.open(T.tmpdir .. "/huge-count", "w"))
hf:setvbuf("full", 2^40)
hf:write("twelve bytes")
hf:close()
hf = assert(io.open(T.tmpdir .. "/huge-count"))
eq(hf:read(2^40), "twelve bytes", "read(2^40) of a small file")
eq(hf:read(2^53), nil, "read(2^53) at end of file")
hf:close()
local hr, hw = os.pipe()
os.write(hw, "through a pipe")
os.close(hw)
local hp = os.fdopen(hr, "r")
eq(hp:read(2^40), "through a pipe", "read(2^40) of a pipe")
hp:close()
raises("resulting string too large", string.rep, "x", 2^40)
raises("resulting string too large", string.rep, "ab", 1e300)
eq(("ab"):rep(3), "ababab", "string.rep still repeats")
