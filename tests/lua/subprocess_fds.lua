-- subprocess: a child gets exactly 0, 1, 2 and pass_fds, proven from its
-- side by lsfds.
local sp = require("subprocess")

-- Descriptors inheritable in every way but safesh's atomic creators.
local leak_r, leak_w = os.pipe()
os.set_inheritable(leak_r, true)
local leak_dup = os.dup2(leak_w, 70)       -- inheritable on purpose
local f = assert(io.open(T.tmpdir .. "/secret", "w"))
f:set_inheritable(true)

-- close_fds = true (the default): only 0, 1, 2 (1 is lsfds's output pipe).
local fds, n = child()
eq(n, 3, "default child descriptor count")
assert(fds[0] and fds[1] and fds[2], "0, 1, 2 present")
eq(fds[1].kind, "pipe", "stdout is the PIPE")

-- close_fds = false: inheritable ones go through, non-inheritable ones not.
local r2, w2 = os.pipe()
fds = child({ close_fds = false })
assert(fds[leak_r], "close_fds=false passes an inheritable fd")
assert(fds[leak_dup], "close_fds=false passes dup2's copy")
assert(fds[f:fileno()], "close_fds=false passes a file made inheritable")
eq(fds[r2], nil, "close_fds=false keeps non-inheritable fds")
eq(fds[leak_w], nil, "close_fds=false keeps non-inheritable fds (2)")

-- pass_fds: same numbers, inheritable in the child only.
fds, n = child({ pass_fds = { r2, w2 } })
eq(n, 5, "pass_fds count")
eq(fds[r2].target, target(r2), "pass fd keeps its number")
eq(fds[r2].access, "r", "pass fd read end")
eq(fds[w2].access, "w", "pass fd write end")
eq(os.get_inheritable(r2), false, "parent's flag unchanged by pass_fds")
-- A file object and a socket in pass_fds.
local socket = require("socket")
local a, b = socket.socketpair()
fds, n = child({ pass_fds = { f, a } })
eq(n, 5, "objects in pass_fds")
eq(fds[f:fileno()].kind, "file", "file object passed")
eq(fds[a:fileno()].kind, "socket", "socket object passed")
a:close() b:close()

-- A pass fd near the descriptor limit.
local high = assert(os.dup2(r2, T.nofile - 10, false))
fds, n = child({ pass_fds = { high } })
eq(fds[high] and fds[high].target, target(r2), "pass fd near the limit")
os.close(high)

-- Redirections: fd numbers, files, DEVNULL, STDOUT, and swaps.
fds = child({ stdin = sp.DEVNULL, stderr = sp.STDOUT })
eq(fds[0].target, "/dev/null", "DEVNULL stdin")
eq(fds[2].target, fds[1].target, "stderr = STDOUT")
fds = child({ stdin = w2, stdout = f })     -- lsfds prints on stderr then
eq(fds[0].target, target(w2), "stdin from an fd number")
eq(fds[1].target, T.tmpdir .. "/secret", "stdout to a file object")
-- Swap: the child's stdin is our stdout and the other way round.
local save0, save1 = os.dup(0), os.dup(1)
os.dup2(r2, 0)  -- our 0: a pipe's read end
os.dup2(w2, 1)  -- our 1: its write end
fds = child({ stdin = 1, stdout = 0 })
os.dup2(save0, 0) os.dup2(save1, 1)
os.close(save0) os.close(save1)
eq(fds[0].access, "w", "swap: child's 0 is our 1 (write end)")
eq(fds[1].access, "r", "swap: child's 1 is our 0 (read end)")
-- A redirect target that is also in pass_fds.
fds, n = child({ stdin = r2, pass_fds = { r2 } })
eq(fds[0].target, target(r2), "redirected and passed: stdin")
eq(fds[r2].target, target(r2), "redirected and passed: kept")

-- PIPE ends are non-inheritable in the parent: a second child does not
-- hold the first one's pipe (the classic hang).
local p1 = assert(sp.Popen({"cat"}, { stdin = sp.PIPE, stdout = sp.PIPE }))
eq(p1.stdin:get_inheritable(), false, "PIPE end in the parent")
fds = child({ close_fds = false })
eq(fds[p1.stdin:fileno()], nil, "a second child does not get the first one's pipe")
p1.stdin:write("through cat")
local out = p1:communicate()
eq(out, "through cat", "cat saw end of file")
eq(p1.returncode, 0, "cat status")

-- The child's standard descriptors are blocking even when ours are not.
fds = child({ stdin = sp.PIPE })
eq(fds[0].nonblock, false, "child stdin blocking")

os.close(leak_r) os.close(leak_w) os.close(leak_dup) os.close(r2) os.close(w2)
f:close()
