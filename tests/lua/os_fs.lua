-- os: the file system calls, their results, and their errors.
local dir = T.tmpdir
local function write(path, data)
  local f = assert(io.open(path, "w")) f:write(data) f:close()
end
local function sorted(t) table.sort(t) return table.concat(t, ",") end

-- getcwd, chdir
local cwd = assert(os.getcwd())
eq(os.chdir(dir), true, "chdir")
eq(os.getcwd(), dir, "getcwd after chdir")
fails("ENOENT", "^chdir: nope: no such file or directory$", os.chdir, "nope")
write(dir .. "/plain", "x")
fails("ENOTDIR", "^chdir: plain: not a directory$", os.chdir, "plain")
os.unlink(dir .. "/plain")

-- mkdir, makedirs, rmdir
eq(os.mkdir("d"), true, "mkdir relative to the new cwd")
eq(os.stat(dir .. "/d").type, "dir", "mkdir made a directory")
fails("EEXIST", "^mkdir: d: file exists$", os.mkdir, "d")
fails("ENOENT", "^mkdir: no/such: no such file or directory$", os.mkdir, "no/such")
eq(os.mkdir("m", 448), true, "mkdir with a mode")
eq(os.stat("m").perm, 448, "mkdir's mode (0700, under the umask)")
eq(os.makedirs("d/a/b/c"), true, "makedirs")
eq(os.stat("d/a/b/c").type, "dir", "makedirs made every level")
fails("EEXIST", "file exists", os.makedirs, "d/a/b/c")
eq(os.makedirs("d/a/b/c", nil, true), true, "makedirs exist_ok")
eq(os.makedirs("d/x/y/", 448), true, "makedirs with a trailing slash")
eq(os.stat("d/x/y").perm, 448, "makedirs gives the mode to the leaf")
eq(os.stat("d/x").perm, os.stat("d").perm, "and 0777 (under the umask) to the parents")
eq(os.makedirs("d/x/y/.", nil, true), true, "makedirs of .../.")
write("d/file", "f")
fails("ENOTDIR", nil, os.makedirs, "d/file/sub")
fails("EEXIST", nil, os.makedirs, "d/file", nil, true) -- a file is no directory, even with exist_ok
eq(os.rmdir("d/a/b/c"), true, "rmdir")
fails("ENOENT", "^rmdir: d/a/b/c: ", os.rmdir, "d/a/b/c")
fails("ENOTEMPTY", "^rmdir: d/a: directory not empty$", os.rmdir, "d/a")
fails("ENOTDIR", nil, os.rmdir, "d/file")

-- unlink, replace
fails("EISDIR", "^unlink: d: is a directory$", os.unlink, "d")
write("d/old", "old")
eq(os.replace("d/old", "d/file"), true, "replace")
eq(io.open("d/file"):read("*a"), "old", "replace replaced")
fails("ENOENT", "^rename: d/old %-> d/new: no such file or directory$", os.replace, "d/old", "d/new")
eq(os.unlink("d/file"), true, "unlink")
fails("ENOENT", "^unlink: d/file: ", os.unlink, "d/file")

-- symlink, readlink, lstat, link
write("d/target", "hello")
eq(os.symlink("target", "d/link"), true, "symlink")
eq(os.readlink("d/link"), "target", "readlink")
eq(os.lstat("d/link").type, "link", "lstat sees the link")
eq(os.stat("d/link").type, "file", "stat follows it")
eq(os.stat("d/link", false).type, "link", "stat without following")
fails("EEXIST", "^symlink: target %-> d/link: file exists$", os.symlink, "target", "d/link")
fails("EINVAL", "^readlink: d/target: invalid argument$", os.readlink, "d/target")
eq(os.symlink("nowhere", "d/dangling"), true, "a dangling link")
fails("ENOENT", nil, os.stat, "d/dangling")
eq(os.lstat("d/dangling").type, "link", "lstat of a dangling link")
eq(os.link("d/target", "d/hard"), true, "link")
eq(os.stat("d/target").nlink, 2, "two links")
eq(os.stat("d/target").ino, os.stat("d/hard").ino, "the same inode")
fails("EEXIST", "^link: d/target %-> d/hard: file exists$", os.link, "d/target", "d/hard")

-- stat: every field, of a path, a descriptor, a file
local st = assert(os.stat("d/target"))
for _, k in ipairs({"type", "mode", "perm", "size", "ino", "dev", "nlink", "uid", "gid", "atime", "mtime", "ctime"}) do
  assert(st[k] ~= nil, "stat has " .. k)
end
eq(st.size, 5, "size")
eq(st.perm, st.mode % 4096, "perm is mode % 4096")
eq(st.uid, os.getuid(), "uid")
assert(math.abs(st.mtime - os.time()) < 100, "mtime is seconds since the epoch")
local f = assert(io.open("d/target"))
eq(os.stat(f).ino, st.ino, "stat of a file object")
local fd = assert(os.open("d/target", "r"))
eq(os.stat(fd).ino, st.ino, "stat of a descriptor")
os.close(fd)
fails("EBADF", nil, os.stat, fd)
f:close()
raises("attempt to use a closed file", function() os.stat(f) end)
eq(os.stat(".").type, "dir", "stat of a directory")
local r, w = os.pipe()
eq(os.stat(r).type, "fifo", "stat of a pipe")
os.close(r) os.close(w)
eq(os.stat("/dev/null").type, "char", "a character device")
fails("ENOENT", "^stat: nope: no such file or directory$", os.stat, "nope")
fails("ENOENT", "^lstat: nope: ", os.lstat, "nope")
fails("ENOTDIR", nil, os.stat, "d/target/x")

-- chmod, chown, utime, truncate, on paths and descriptors
eq(os.chmod("d/target", 384), true, "chmod")
eq(os.stat("d/target").perm, 384, "chmod's mode")
eq(os.chmod("d/target", 2048 + 420), true, "chmod with set-gid")
eq(os.stat("d/target").perm, 2048 + 420, "set-gid kept on the command line")
local wfd = assert(os.open("d/target", "r+"))
eq(os.chmod(wfd, 420), true, "fchmod")
eq(os.stat("d/target").perm, 420, "fchmod's mode")
eq(os.chown("d/target", -1, -1), true, "chown leaving both")
eq(os.chown(wfd, -1, -1), true, "fchown")
eq(os.truncate(wfd, 3), true, "ftruncate")
eq(os.stat("d/target").size, 3, "ftruncate's size")
os.close(wfd)
eq(os.truncate("d/target", 1), true, "truncate")
eq(io.open("d/target"):read("*a"), "h", "truncated")
eq(os.utime("d/target", 1000000000, 1234567890.5), true, "utime")
st = os.stat("d/target")
eq(st.atime, 1000000000, "atime")
eq(st.mtime, 1234567890.5, "mtime, to the fraction")
eq(os.utime("d/target"), true, "utime now")
assert(math.abs(os.stat("d/target").mtime - os.time()) < 5, "utime now sets the current time")
fails("ENOENT", "^chmod: nope: ", os.chmod, "nope", 420)
fails("ENOENT", "^utime: nope: ", os.utime, "nope")
fails("ENOENT", "^truncate: nope: ", os.truncate, "nope", 0)
fails("EISDIR", "^truncate: d: is a directory$", os.truncate, "d", 0)
if not T.root then
  fails("EPERM", "^chown: d/target: operation not permitted$", os.chown, "d/target", 0, 0)
end

-- access
eq(os.access("d/target", "f"), true, "access f")
eq(os.access("d/target", "rw"), true, "access rw")
eq(os.access("d/target", "x"), false, "access x")
eq(os.access("nope", "f"), false, "access of nothing")
eq(os.access("d", "rwx"), true, "access of a directory")

-- realpath
eq(os.realpath("d/link"), dir .. "/d/target", "realpath through a link")
eq(os.realpath("d/../d/./link"), dir .. "/d/target", "realpath with .. and .")
eq(os.realpath("d/nope/more"), dir .. "/d/nope/more", "realpath of what does not exist")
os.symlink("loop2", "d/loop1") os.symlink("loop1", "d/loop2")
eq(os.realpath("d/loop1"), dir .. "/d/loop1", "realpath leaves a loop unresolved, as Python")
os.symlink(dir .. "/d", "d/abs")
eq(os.realpath("d/abs/abs/target"), dir .. "/d/target", "realpath of absolute links")

-- umask
local old = os.umask(63)
eq(os.umask(old), 63, "umask returns the mask before")

-- listdir and scandir
os.mkdir("ls")
for _, n in ipairs({"a", "b", ".hidden"}) do write("ls/" .. n, n) end
os.mkdir("ls/sub") os.symlink("a", "ls/lnk")
eq(sorted(os.listdir("ls")), ".hidden,a,b,lnk,sub", "listdir: everything but . and ..")
eq(#os.listdir(), #os.listdir(dir), "listdir defaults to .")
local seen = {}
for e in os.scandir("ls") do
  seen[#seen + 1] = e.name .. "=" .. e.type
  eq(e.path, "ls/" .. e.name, "scandir's path")
end
eq(sorted(seen), ".hidden=file,a=file,b=file,lnk=link,sub=dir", "scandir's names and types")
for e in os.scandir("ls/") do eq(e.path, "ls/" .. e.name, "path with a trailing slash") end
fails("ENOENT", "^open: nope: no such file or directory$", os.listdir, "nope")
fails("ENOENT", nil, os.scandir, "nope")
fails("ENOTDIR", nil, os.listdir, "ls/a")
fails("ENOTDIR", nil, os.scandir, "ls/a")
if not T.root then
  os.mkdir("closed") os.chmod("closed", 0)
  fails("EACCES", "permission denied", os.listdir, "closed")
  fails("EACCES", nil, os.scandir, "closed")
  os.chmod("closed", 448)
end

-- glob
eq(table.concat(os.glob("ls/*"), ","), "ls/a,ls/b,ls/lnk,ls/sub", "glob *: sorted, without hidden names")
eq(table.concat(os.glob("ls/.*"), ","), "ls/.hidden", "glob .*: hidden names")
eq(table.concat(os.glob("ls/[ab]"), ","), "ls/a,ls/b", "glob [...]")
eq(table.concat(os.glob("ls/?"), ","), "ls/a,ls/b", "glob ?")
eq(table.concat(os.glob("ls/*/"), ","), "ls/sub/", "glob */ gives directories")
eq(table.concat(os.glob("ls/a"), ","), "ls/a", "a literal pattern")
eq(#os.glob("ls/nope"), 0, "a literal that does not exist")
write("ls/sub/deep.txt", "")
eq(table.concat(os.glob("ls/**/*.txt"), ","), "ls/sub/deep.txt", "glob **")
eq(table.concat(os.glob("ls/**"), ","), "ls/,ls/a,ls/b,ls/lnk,ls/sub,ls/sub/deep.txt", "glob ** alone")

-- bad arguments raise, in Lua's form
raises("bad argument #1 to 'mkdir' (string expected, got no value)", function() os.mkdir() end)
raises("bad argument #1 to 'mkdir' (path contains a NUL byte)", function() os.mkdir("a\0b") end)
raises("bad argument #2 to 'mkdir' (invalid mode", function() os.mkdir("x", -1) end)
raises("bad argument #2 to 'mkdir' (invalid mode", function() os.mkdir("x", 65536) end)
raises("bad argument #2 to 'chmod' (number expected, got no value)", function() os.chmod("d") end)
raises("bad argument #1 to 'stat' (path, fd or file expected, got table)", function() os.stat({}) end)
raises("bad argument #1 to 'stat' (fd must be a non-negative integer, got -1)", function() os.stat(-1) end)
raises("bad argument #2 to 'access' (invalid mode 'q'", function() os.access("d", "q") end)
raises("bad argument #2 to 'access' (invalid mode ''", function() os.access("d", "") end)
raises("bad argument #3 to 'utime' (number expected (give both times, or neither))", function() os.utime("d", 1) end)
raises("bad argument #2 to 'utime' (time out of range)", function() os.utime("d", 0/0, 1) end)
raises("bad argument #2 to 'truncate' (size must be non-negative)", function() os.truncate("d", -1) end)
raises("bad argument #2 to 'chown' (invalid id)", function() os.chown("d", -2, 0) end)
raises("bad argument #1 to 'umask' (invalid mask", function() os.umask(512) end)
raises("bad argument #1 to 'listdir' (path contains a NUL byte)", function() os.listdir("\0") end)
raises("bad argument #1 to 'glob' (string expected, got no value)", function() os.glob() end)

-- names that are not UTF-8 are kept byte for byte
write("ls/\255\254", "bytes")
local found = false
for _, n in ipairs(os.listdir("ls")) do if n == "\255\254" then found = true end end
eq(found, true, "listdir keeps a name that is not UTF-8")
eq(io.open("ls/\255\254"):read("*a"), "bytes", "and it opens")

os.chdir(cwd)
