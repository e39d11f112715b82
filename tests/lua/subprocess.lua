-- subprocess: Popen, communicate, run and friends, pipelines, errors.
local sp = require("subprocess")
eq(sp.popen, sp.Popen, "popen alias")
eq(tostring(sp.PIPE), "subprocess.PIPE", "sentinel name")

-- Popen, fields, wait, poll
local p = assert(sp.Popen({"sh", "-c", "exit 4"}))
assert(p.pid > 0, "pid")
eq(p:wait(), 4, "wait returns the returncode")
eq(p.returncode, 4, "returncode")
eq(p:poll(), 4, "poll after wait")
eq(p.stdin, nil, "no pipe, no file")
eq(p.args[1], "sh", "args kept")

p = assert(sp.Popen({"sleep", "5"}))
eq(p:poll(), nil, "poll while running")
eq(p.returncode, nil, "returncode while running")
local rc, msg, errno = p:wait(0.05)
eq(rc, nil, "wait timeout")
eq(msg, "timeout", "wait timeout message")
eq(errno, os.errno.ETIMEDOUT, "wait timeout errno")
eq(p:terminate(), true, "terminate")
eq(p:wait(), -15, "killed by SIGTERM is -15")
eq(p:kill(), true, "kill after exit is harmless")
p = assert(sp.Popen({"sleep", "5"}))
eq(p:send_signal("SIGUSR1"), true, "send_signal returns true")
eq(p:wait(), -10, "send_signal by name")
eq(p:send_signal("SIGUSR1"), true, "send_signal after the child was reaped: true, no signal")
raises("unknown signal 'NOPE'", function() p:send_signal("NOPE") end)

-- communicate: no deadlock however much both sides write
local big = string.rep("0123456789abcdef", 65536 * 4) -- 4 MiB
p = assert(sp.Popen({"sh", "-c", "cat; cat /dev/null; head -c 3000000 /dev/zero >&2"},
  { stdin = sp.PIPE, stdout = sp.PIPE, stderr = sp.PIPE }))
local out, err = p:communicate(big)
eq(#out, #big, "communicate stdout size")
eq(out == big, true, "communicate stdout content")
eq(#err, 3000000, "communicate stderr size")
eq(p.returncode, 0, "communicate waits")
eq(io.type(p.stdout), "closed file", "communicate closes the pipes")

-- communicate with a timeout keeps what was read, and can be called again
p = assert(sp.Popen({"sh", "-c", "echo first; sleep 0.3; echo second"}, { stdout = sp.PIPE }))
local o, m, e = p:communicate(nil, 0.1)
eq(o, nil, "communicate timeout")
eq(m, "timeout", "communicate timeout message")
o = p:communicate()
eq(o, "first\nsecond\n", "communicate after a timeout has everything")

-- communicate where the child does not read its input: no EPIPE error
p = assert(sp.Popen({"true"}, { stdin = sp.PIPE }))
eq(select("#", p:communicate(big)), 2, "unread input is dropped")
raises("input given, but stdin is not a pipe", function() sp.Popen({"true"}):communicate("x") end)

-- run
local r = sp.run({"sh", "-c", "echo out; echo err >&2; exit 3"}, { capture_output = true })
eq(r.returncode, 3, "run returncode")
eq(r.stdout, "out\n", "run stdout")
eq(r.stderr, "err\n", "run stderr")
eq(r.args[1], "sh", "run args")
r = sp.run("tr a-z A-Z", { shell = true, input = "shout", capture_output = true })
eq(r.stdout, "SHOUT", "run shell with input")
r = sp.run({"pwd"}, { cwd = T.tmpdir, capture_output = true })
eq(r.stdout, T.tmpdir .. "\n", "cwd")
r = sp.run({"sh", "-c", "echo $A-$B"}, { env = { A = "1", B = 2, PATH = "/bin:/usr/bin" }, capture_output = true })
eq(r.stdout, "1-2\n", "env")
r = sp.run({"sh", "-c", "echo $$; cut -d' ' -f6 /proc/$$/stat"}, { start_new_session = true, capture_output = true })
local pid, sid = r.stdout:match("(%d+)\n(%d+)")
eq(pid, sid, "start_new_session")

-- errors of run and friends are tables with a __tostring
local ok, e = pcall(sp.run, {"sh", "-c", "echo partial; exit 5"}, { check = true, capture_output = true })
eq(ok, false, "check raises")
eq(e.returncode, 5, "check error returncode")
eq(e.stdout, "partial\n", "check error stdout")
eq(tostring(e), "Command 'sh -c 'echo partial; exit 5'' returned non-zero exit status 5.", "check error message")
eq(e.message, tostring(e), "message field")
eq(sp.call({"sh", "-c", "exit 2"}), 2, "call")
eq(sp.check_call({"true"}), 0, "check_call")
ok, e = pcall(sp.check_call, {"false"})
eq(e.returncode, 1, "check_call error")
eq(sp.check_output({"echo", "hi"}), "hi\n", "check_output")
ok, e = pcall(sp.check_output, {"sh", "-c", "kill -9 $$"})
eq(e.returncode, -9, "check_output killed")
eq(tostring(e), "Command 'sh -c 'kill -9 $$'' died with signal 9.", "died with signal")

-- timeouts kill the child and return promptly, even with a grandchild
-- still holding the pipes
local t0 = os.time()
ok, e = pcall(sp.run, {"sh", "-c", "echo started; sleep 30 & sleep 30"}, { timeout = 0.3, capture_output = true })
eq(ok, false, "timeout raises")
eq(e.timeout, 0.3, "timeout field")
eq(e.stdout, "started\n", "timeout keeps partial output")
eq(e.returncode, -9, "timeout kills")
assert(os.time() - t0 < 10, "run returned promptly")
ok, e = pcall(sp.run, {"sh", "-c", "sleep 30 & sleep 30"}, { timeout = 0.2, start_new_session = true })
eq(e.returncode, -9, "timeout kills the group")

-- a program that cannot start: nil, message, errno; nothing left behind
fails("ENOENT", "^exec: no%-such%-program: no such file or directory$", sp.Popen, {"no-such-program"})
local noexec = T.tmpdir .. "/noexec"
io.open(noexec, "w"):close()
fails("EACCES", "permission denied", sp.Popen, {noexec})
local garbage = T.tmpdir .. "/garbage"
local g = io.open(garbage, "w") g:write("\127ELF junk") g:close()
os.execute("chmod +x " .. garbage)
fails("ENOEXEC", "exec format error", sp.Popen, {garbage})
fails("ENOENT", "^chdir: /no/such/dir: no such file or directory$", sp.Popen, {"true"}, { cwd = "/no/such/dir" })
fails("ENOENT", nil, sp.run, {"no-such-program"})
fails("ENOENT", nil, sp.call, {"no-such-program"})
-- every check form raises when the program cannot start, with errno
for _, c in ipairs({
  { "check_call", sp.check_call }, { "check_output", sp.check_output },
  { "run check", function(a) return sp.run(a, { check = true }) end },
  { "pipeline check", function(a) return sp.pipeline({ {"true"}, a }, { check = true }) end },
}) do
  local ok, e = pcall(c[2], {"no-such-program"})
  eq(ok, false, c[1] .. " raises when the program cannot start")
  eq(type(e), "table", c[1] .. " raises an error table")
  eq(e.errno, os.errno.ENOENT, c[1] .. " error's errno")
  eq(e.message, "exec: no-such-program: no such file or directory", c[1] .. " error's message")
  eq(tostring(e), e.message, c[1] .. " error's __tostring")
  eq(e.returncode, nil, c[1] .. " error's returncode")
end
fails("EBADF", "^spawn: pass fd 999: bad file descriptor$", sp.Popen, {"true"}, { pass_fds = { 999 } })

-- misuse raises
raises("bad argument #2 to 'Popen' (unknown option 'stdinn'", function() sp.Popen({"true"}, { stdinn = 1 }) end)
raises("bad argument #2 to 'Popen' (unknown option 'timeout'", function() sp.Popen({"true"}, { timeout = 1 }) end)
raises("bad argument #1 to 'Popen' (array of strings expected (a string needs shell = true))", function() sp.Popen("true") end)
raises("bad argument #1 to 'Popen' (empty argument list)", function() sp.Popen({}) end)
raises("bad argument #1 to 'Popen' (string expected with shell = true)", function() sp.Popen({"true"}, { shell = true }) end)
raises("STDOUT is only valid for stderr", function() sp.Popen({"true"}, { stdout = sp.STDOUT }) end)
raises("stdin and input cannot both be given", function() sp.run({"true"}, { stdin = sp.PIPE, input = "x" }) end)
raises("must be a non-negative number of seconds", function() sp.run({"true"}, { timeout = -1 }) end)
raises("env: bad entry", function() sp.run({"true"}, { env = { ["A=B"] = "x" } }) end)
raises("close_fds: boolean expected", function() sp.run({"true"}, { close_fds = "no" }) end)

-- pipeline: stages joined directly; one returncode per stage
r = sp.pipeline({ {"printf", "b\\na\\nc\\n"}, {"sort"}, "tr a-z A-Z" }, { capture_output = true })
eq(r.stdout, "A\nB\nC\n", "pipeline output")
eq(#r.returncodes, 3, "pipeline returncodes")
r = sp.pipeline({ {"sh", "-c", "echo x; exit 3"}, {"cat"}, {"sh", "-c", "cat >/dev/null; exit 5"} })
eq(r.returncodes[1], 3, "stage 1 status")
eq(r.returncodes[2], 0, "stage 2 status")
eq(r.returncodes[3], 5, "stage 3 status")
r = sp.pipeline({ {"cat"}, {"wc", "-c"} }, { input = string.rep("x", 100000), capture_output = true })
eq(tonumber(r.stdout), 100000, "pipeline input")
-- An early stage that exits makes the next one see end of file: the
-- parent holds no inner pipe end.
r = sp.pipeline({ {"true"}, {"cat"} }, { capture_output = true, timeout = 5 })
eq(r.returncodes[2], 0, "no inner pipe end held")
ok, e = pcall(sp.pipeline, { {"true"}, {"false"} }, { check = true })
eq(e.returncodes[2], 1, "pipeline check")
ok, e = pcall(sp.pipeline, { {"sleep", "30"}, {"cat"} }, { timeout = 0.2 })
eq(e.returncodes[1], -9, "pipeline timeout kills every stage")
fails("ENOENT", nil, sp.pipeline, { {"echo"}, {"no-such-program"} })

-- io.popen and os.execute run through the same core: only 0, 1, 2
local leak = os.dup2(1, 71)
local pf = io.popen("ls /proc/self/fd")
local listed = pf:read("*a")
pf:close()
eq(listed:find("71"), nil, "io.popen's child does not inherit fd 71")
os.close(leak)
