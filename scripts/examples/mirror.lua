#!/usr/bin/env safesh
-- Keep a mirror of a directory tree up to date, as a small rsync: copy
-- the files that are new or changed (size or modification time) with
-- shutil.copy2, which keeps the time so that the next run sees them as
-- unchanged, and prune what the source no longer has, directories with
-- shutil.rmtree. Symbolic links are mirrored as links.
--
-- usage: safesh mirror.lua SOURCE MIRROR
-- With no arguments it shows itself at work on a tree it makes in a
-- temporary directory, and removes it at the end.

local shutil = require("shutil")
local time = require("time")
local join = os.path.join

-- sync makes dst a mirror of src and returns what it did.
local function sync(src, dst, report)
  report = report or { copied = 0, linked = 0, removed = 0, kept = 0 }
  if not os.path.isdir(dst) then assert(os.makedirs(dst)) end
  local want = {}
  for e in os.scandir(src) do
    want[e.name] = true
    local from, to = e.path, join(dst, e.name)
    local have = os.lstat(to)
    if e.type == "dir" then
      if have and have.type ~= "dir" then assert(os.unlink(to)) end
      sync(from, to, report)
    elseif e.type == "link" then
      local target = assert(os.readlink(from))
      if not (have and have.type == "link" and os.readlink(to) == target) then
        if have and have.type == "dir" then
          assert(shutil.rmtree(to))
        elseif have then
          assert(os.unlink(to))
        end
        assert(os.symlink(target, to))
        report.linked = report.linked + 1
      end
    elseif e.type == "file" then
      local st = assert(os.stat(from))
      if have and have.type == "dir" then assert(shutil.rmtree(to)) have = nil end
      if have and have.size == st.size and have.mtime == st.mtime then
        report.kept = report.kept + 1
      else
        assert(shutil.copy2(from, to))
        report.copied = report.copied + 1
      end
    end
  end
  -- Prune: what the mirror has and the source does not.
  for _, name in ipairs(assert(os.listdir(dst))) do
    if not want[name] then
      local path = join(dst, name)
      if os.lstat(path).type == "dir" then
        assert(shutil.rmtree(path))
      else
        assert(os.unlink(path))
      end
      report.removed = report.removed + 1
    end
  end
  return report
end

local function run(src, dst)
  local t0 = time.monotonic()
  local r = sync(src, dst)
  print(string.format("%s -> %s: %d copied, %d linked, %d removed, %d unchanged (%.1f ms)",
    src, dst, r.copied, r.linked, r.removed, r.kept, (time.monotonic() - t0) * 1000))
  return r
end

if arg[1] and arg[2] then
  run(arg[1], arg[2])
  return
end

-- The demonstration.
local base = os.tmpname()
assert(os.remove(base) and os.mkdir(base, 448))
local src, dst = join(base, "src"), join(base, "mirror")
local function write(path, data)
  local f = assert(io.open(path, "w")) f:write(data) f:close()
end
assert(os.makedirs(join(src, "docs", "old")))
write(join(src, "README"), "read me\n")
write(join(src, "docs", "guide.txt"), "a guide\n")
write(join(src, "docs", "old", "notes.txt"), "old notes\n")
assert(os.symlink("docs/guide.txt", join(src, "GUIDE")))

local r = run(src, dst)
assert(r.copied == 3 and r.linked == 1, "the first run copies everything")
r = run(src, dst)
assert(r.copied == 0 and r.kept == 3, "the second finds nothing to do")

-- Change one file, add one, drop a directory.
write(join(src, "README"), "read me, again\n")
write(join(src, "docs", "new.txt"), "new\n")
assert(shutil.rmtree(join(src, "docs", "old")))
r = run(src, dst)
assert(r.copied == 2 and r.removed == 1, "the third copies two and prunes one")
assert(not os.path.exists(join(dst, "docs", "old")), "the pruned directory is gone")
assert(os.readlink(join(dst, "GUIDE")) == "docs/guide.txt", "the link is a link")
local st, mst = os.stat(join(src, "README")), os.stat(join(dst, "README"))
assert(st.mtime == mst.mtime, "copy2 kept the time")

assert(shutil.rmtree(base))
print("the mirror is up to date; " .. base .. " removed")
