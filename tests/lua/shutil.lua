-- shutil: copies, trees, moves, which and disk_usage; their errors, and
-- no descriptor left behind by any of them.
local shutil = require("shutil")
local dir = T.tmpdir
local function write(path, data)
  local f = assert(io.open(path, "w")) f:write(data) f:close()
end
local function read(path)
  local f = assert(io.open(path)) local s = f:read("*a") f:close() return s
end
-- nfds counts our descriptors open on the files these tests copy (the
-- process has others, which children and the Go runtime come and go with).
local function nfds()
  local n = 0
  for _, d in ipairs(os.fds()) do
    if d.target:find(dir, 1, true) or d.target == "/dev/full" or d.target:find("/status$") then n = n + 1 end
  end
  return n
end
local base = nfds()
eq(base, 0, "no descriptor open on the test's files to begin with")

-- copyfile
write(dir .. "/a", "hello")
eq(shutil.copyfile(dir .. "/a", dir .. "/b"), dir .. "/b", "copyfile returns dst")
eq(read(dir .. "/b"), "hello", "copyfile copied")
write(dir .. "/long", string.rep("x", 100000))
eq(shutil.copyfile(dir .. "/long", dir .. "/b"), dir .. "/b", "copyfile over a longer file")
eq(shutil.copyfile(dir .. "/a", dir .. "/b"), dir .. "/b", "and back over it")
eq(read(dir .. "/b"), "hello", "the destination was truncated")
local big = string.rep("0123456789abcdef", 4 * 65536 + 3)
write(dir .. "/big", big)
shutil.copyfile(dir .. "/big", dir .. "/big2")
eq(read(dir .. "/big2") == big, true, "a 4 MiB copy is exact")
shutil.copyfile(dir .. "/a", dir .. "/empty-src") write(dir .. "/empty-src", "")
write(dir .. "/full-dst", "old")
shutil.copyfile(dir .. "/empty-src", dir .. "/full-dst")
eq(read(dir .. "/full-dst"), "", "an empty file copied")
shutil.copyfile("/proc/self/status", dir .. "/status")
assert(read(dir .. "/status"):find("Pid:"), "a procfs file (size 0 to stat) is copied whole")
shutil.copyfile(dir .. "/a", "/dev/null")

-- the same file, by name, hard link and symbolic link: nothing is lost
fails("EINVAL", "^copyfile: " .. dir .. "/a %-> " .. dir .. "/a: same file$", shutil.copyfile, dir .. "/a", dir .. "/a")
os.link(dir .. "/a", dir .. "/hard")
fails("EINVAL", "same file", shutil.copyfile, dir .. "/a", dir .. "/hard")
os.symlink("a", dir .. "/soft")
fails("EINVAL", "same file", shutil.copyfile, dir .. "/soft", dir .. "/a")
fails("EINVAL", "same file", shutil.copyfile, dir .. "/a", dir .. "/soft")
eq(read(dir .. "/a"), "hello", "copying a file onto itself loses nothing")

-- errors name both paths and what failed
fails("ENOENT", "^copyfile: " .. dir .. "/nope %-> " .. dir .. "/c: " .. dir .. "/nope: no such file or directory$",
  shutil.copyfile, dir .. "/nope", dir .. "/c")
fails("ENOENT", "^copyfile: .* %-> " .. dir .. "/no/c: " .. dir .. "/no/c: no such file", shutil.copyfile, dir .. "/a", dir .. "/no/c")
fails("EISDIR", ": " .. dir .. ": is a directory$", shutil.copyfile, dir, dir .. "/c")
fails("EISDIR", nil, shutil.copyfile, dir .. "/a", dir)
os.execute("mkfifo " .. dir .. "/fifo")
fails("EINVAL", "fifo: is a named pipe$", shutil.copyfile, dir .. "/fifo", dir .. "/c")
local reader = assert(os.open(dir .. "/fifo", os.O_RDONLY + os.O_NONBLOCK)) -- so that it opens for writing
fails("EINVAL", "fifo: is a named pipe$", shutil.copyfile, dir .. "/a", dir .. "/fifo")
os.close(reader)
fails("ENXIO", nil, shutil.copyfile, dir .. "/a", dir .. "/fifo") -- no reader: refused, never blocked
-- a failure midway: /dev/full takes nothing
fails("ENOSPC", "^copyfile: " .. dir .. "/a %-> /dev/full: %w+: no space left on device$", shutil.copyfile, dir .. "/a", "/dev/full")
eq(nfds(), base, "no descriptor is left by copyfile's failures")

-- copy and copy2
os.chmod(dir .. "/a", 448)
os.utime(dir .. "/a", 1000000000, 1234567890.25)
eq(shutil.copy(dir .. "/a", dir .. "/c"), dir .. "/c", "copy returns the path")
eq(os.stat(dir .. "/c").perm, 448, "copy copies the permission bits")
assert(os.stat(dir .. "/c").mtime ~= 1234567890.25, "copy does not copy the times")
eq(shutil.copy2(dir .. "/a", dir .. "/d"), dir .. "/d", "copy2 returns the path")
eq(os.stat(dir .. "/d").perm, 448, "copy2 copies the permission bits")
eq(os.stat(dir .. "/d").mtime, 1234567890.25, "copy2 copies the modification time, to the fraction")
eq(os.stat(dir .. "/d").atime, os.stat(dir .. "/a").atime, "and the access time (after the copy read it, as Python's)")
os.mkdir(dir .. "/into")
eq(shutil.copy(dir .. "/a", dir .. "/into"), dir .. "/into/a", "copy into a directory")
eq(shutil.copy2(dir .. "/a", dir .. "/into/"), dir .. "/into/a", "copy2 into a directory")
fails("ENOENT", "^copy: ", shutil.copy, dir .. "/nope", dir .. "/c")
fails("ENOENT", "^copy2: ", shutil.copy2, dir .. "/nope", dir .. "/c")
os.chmod(dir .. "/a", 420)

-- copytree
local src = dir .. "/tree"
os.makedirs(src .. "/sub/deeper")
write(src .. "/f1", "one") write(src .. "/sub/f2", "two") write(src .. "/sub/deeper/f3", "three")
write(src .. "/skip.tmp", "x")
os.symlink("f1", src .. "/link")
os.symlink("sub", src .. "/dirlink")
os.symlink("nowhere", src .. "/dangling")
os.chmod(src .. "/sub", 488)
local dst = dir .. "/copy"
local n, msg, errno = shutil.copytree(src, dst)
eq(n, nil, "a dangling link makes copytree fail without symlinks")
assert(msg:find("dangling: no such file"), msg)
eq(read(dst .. "/sub/deeper/f3"), "three", "but everything else was copied")
eq(os.lstat(dst .. "/link").type, "file", "a link to a file is copied as the file")
eq(os.lstat(dst .. "/dirlink").type, "dir", "a link to a directory as the directory")
eq(read(dst .. "/dirlink/f2"), "two", "with what it holds")
eq(os.stat(dst .. "/sub").perm, 488, "directories keep their permission bits")
fails("EEXIST", "^copytree: .*copy: file exists$", shutil.copytree, src, dst)
shutil.rmtree(dst)
eq(shutil.copytree(src, dst, {symlinks = true}), dst, "copytree with symlinks")
eq(os.readlink(dst .. "/link"), "f1", "links copied as links")
eq(os.readlink(dst .. "/dangling"), "nowhere", "dangling ones too")
n, msg = shutil.copytree(src, dst, {symlinks = true, dirs_exist_ok = true})
assert(n == nil and msg:find("file exists"), "links already there fail, as in Python: " .. tostring(msg))
shutil.rmtree(dst)
os.mkdir(dst)
local seen = {}
eq(shutil.copytree(src, dst, {symlinks = true, dirs_exist_ok = true,
  ignore = function(d, names)
    seen[#seen + 1] = d
    local skip = {}
    for _, name in ipairs(names) do if name:find("%.tmp$") or name == "deeper" then skip[#skip + 1] = name end end
    return skip
  end}), dst, "dirs_exist_ok and ignore")
eq(seen[1], src, "ignore is called with the directory")
shutil.rmtree(dst)
shutil.copytree(src, dst, {symlinks = true, ignore = function(d, names) return {["skip.tmp"] = true, deeper = true} end})
eq(os.path.exists(dst .. "/skip.tmp"), false, "ignored by a set")
eq(os.path.exists(dst .. "/sub/deeper"), false, "an ignored directory")
eq(os.path.exists(dst .. "/sub/f2"), true, "the rest is there")
shutil.rmtree(dst)
-- a link back up the tree is an error, not a copy without end
os.unlink(src .. "/dangling")
os.symlink("..", src .. "/sub/up")
n, msg, errno = shutil.copytree(src, dst)
eq(n, nil, "a loop of links fails")
eq(errno, os.errno.ELOOP, "with ELOOP: " .. tostring(msg))
os.unlink(src .. "/sub/up")
shutil.rmtree(dst)
raises("bad argument #3 to 'copytree' (unknown option 'symlink'", function() shutil.copytree(src, dst, {symlink = true}) end)
raises("bad argument #3 to 'copytree' (symlinks: boolean expected, got number)", function() shutil.copytree(src, dst, {symlinks = 1}) end)
raises("bad argument #3 to 'copytree' (ignore: function expected, got string)", function() shutil.copytree(src, dst, {ignore = "x"}) end)
raises("boom", function() shutil.copytree(src, dst, {ignore = function() error("boom") end}) end)
fails("ENOENT", nil, shutil.copytree, dir .. "/nope", dst)
eq(nfds(), base, "no descriptor is left by copytree")

-- rmtree
shutil.copytree(src, dst, {symlinks = true})
os.symlink(src, dst .. "/outlink") -- must be removed as a link, src kept
eq(shutil.rmtree(dst), true, "rmtree")
eq(os.path.exists(dst), false, "removed")
eq(read(src .. "/sub/f2"), "two", "what a link inside pointed to is untouched")
fails("ENOENT", "^lstat: .*copy: no such file or directory$", shutil.rmtree, dst)
eq(shutil.rmtree(dst, {ignore_errors = true}), true, "ignore_errors")
local calls = {}
eq(shutil.rmtree(dst, {onerror = function(fn, path, m, e) calls[#calls + 1] = {fn, path, m, e} end}), true, "onerror")
eq(#calls, 1, "onerror called once")
eq(calls[1][1], "lstat", "with the function's name")
eq(calls[1][2], dst, "the path")
eq(calls[1][4], os.errno.ENOENT, "and the errno")
os.symlink(src, dir .. "/treelink")
fails("ENOTDIR", "symbolic link", shutil.rmtree, dir .. "/treelink")
eq(read(src .. "/f1"), "one", "rmtree of a link removes nothing")
os.unlink(dir .. "/treelink")
fails("ENOTDIR", nil, shutil.rmtree, dir .. "/a")
-- an error raised by onerror ends rmtree, and leaves no descriptor
shutil.copytree(src, dst)
os.chmod(dst .. "/sub", 0)
if not T.root then
  raises("stop", function() shutil.rmtree(dst, {onerror = function() error("stop") end}) end)
end
os.chmod(dst .. "/sub", 493)
shutil.rmtree(dst)
raises("bad argument #2 to 'rmtree' (unknown option 'onerr'", function() shutil.rmtree(dst, {onerr = print}) end)
raises("bad argument #2 to 'rmtree' (onerror: function expected, got boolean)", function() shutil.rmtree(dst, {onerror = true}) end)
eq(nfds(), base, "no descriptor is left by rmtree")

-- move
write(dir .. "/m1", "move me")
eq(shutil.move(dir .. "/m1", dir .. "/m2"), dir .. "/m2", "move renames")
eq(read(dir .. "/m2"), "move me", "moved")
eq(shutil.move(dir .. "/m2", dir .. "/into"), dir .. "/into/m2", "move into a directory")
write(dir .. "/m2", "again")
fails("EEXIST", "already exists", shutil.move, dir .. "/m2", dir .. "/into")
fails("ENOENT", "^move: ", shutil.move, dir .. "/nope", dir .. "/m3")
-- across file systems (/dev/shm is a tmpfs), by copying
local shm = "/dev/shm/safesh-test-" .. os.getpid()
if os.path.isdir("/dev/shm") and os.mkdir(shm) then
  write(dir .. "/cross", "far")
  eq(shutil.move(dir .. "/cross", shm .. "/cross"), shm .. "/cross", "move a file across file systems")
  eq(read(shm .. "/cross"), "far", "copied")
  eq(os.path.exists(dir .. "/cross"), false, "and removed")
  shutil.copytree(src, dir .. "/crosstree", {symlinks = true})
  eq(shutil.move(dir .. "/crosstree", shm), shm .. "/crosstree", "move a tree across file systems")
  eq(os.readlink(shm .. "/crosstree/link"), "f1", "links moved as links")
  eq(os.path.exists(dir .. "/crosstree"), false, "the tree removed")
  os.symlink("somewhere", dir .. "/crosslink")
  eq(shutil.move(dir .. "/crosslink", shm .. "/crosslink"), shm .. "/crosslink", "move a link across")
  eq(os.readlink(shm .. "/crosslink"), "somewhere", "as a link")
  shutil.rmtree(shm)
end
fails("EINVAL", "into itself", shutil.move, src, src .. "/sub") -- a rename refuses with EINVAL too

-- which
local ls = shutil.which("sh")
assert(ls and ls:find("/sh$"), "which sh: " .. tostring(ls))
eq(shutil.which("no-such-program-here"), nil, "which of nothing")
eq(shutil.which("/bin/sh"), "/bin/sh", "a path is checked alone")
eq(shutil.which("sh", "/nowhere:/bin"), "/bin/sh", "with a path")
eq(shutil.which("sh", ""), nil, "an empty path finds nothing")
eq(shutil.which(dir .. "/a"), nil, "a file that is not executable")
eq(shutil.which(dir), nil, "a directory")

-- disk_usage
local du = shutil.disk_usage(dir)
assert(du.total > 0 and du.used >= 0 and du.free >= 0 and du.free <= du.total, "disk_usage")
fails("ENOENT", nil, shutil.disk_usage, dir .. "/nope")

raises("bad argument #1 to 'copyfile' (string expected, got no value)", function() shutil.copyfile() end)
raises("bad argument #2 to 'copyfile' (path contains a NUL byte)", function() shutil.copyfile("a", "b\0") end)
eq(nfds(), base, "no descriptor left at all")
