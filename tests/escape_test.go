//go:build linux

package tests

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/safesh/safesh/internal/fdtest"
	"github.com/safesh/safesh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// escapeCases are attempts by a plugin script to get past its host's
// policy. Each is the body of a function whose results are checked: it
// must raise, or return nil (or false) first. The policy of the runtime
// they run in: read-only ROOT, read-write RW, one allowed program
// (/usr/bin/env), no network, no environment, and its own descriptors
// only. HOSTFD is a descriptor the host has open; OUT is a directory
// outside everything granted, holding a secret file and a Lua file.
var escapeCases = []struct {
	name string
	code string
}{
	// Paths out of the granted directories.
	{"absolute outside", `return io.open(OUT .. "/secret")`},
	{"dotdot from root", `return io.open(ROOT .. "/../out/secret")`},
	{"relative dotdot", `return io.open("../out/secret")`},
	{"deep dotdot", `return io.open(ROOT .. "/sub/../../out/secret")`},
	{"dotdot from rw", `return io.open(RW .. "/../out/secret")`},
	{"absolute symlink in root", `return io.open(ROOT .. "/abs-link")`},
	{"relative symlink in root", `return io.open(ROOT .. "/rel-link")`},
	{"symlinked directory in root", `return io.open(ROOT .. "/dir-link/secret")`},
	{"symlink in rw", `return io.open(RW .. "/abs-link")`},
	{"symlink to proc in root", `return io.open(ROOT .. "/proc-link")`},
	{"etc passwd", `return io.open("/etc/passwd")`},
	{"proc self root", `return io.open("/proc/self/root/etc/passwd")`},
	{"proc self fd", `return io.open("/proc/self/fd/" .. HOSTFD)`},
	{"proc self cwd", `return io.open("/proc/self/cwd/go.mod")`},
	{"double slash", `return io.open("//etc/passwd")`},
	{"nul byte", `return io.open(ROOT .. "/data.txt\0/../../out/secret")`},
	{"os.open outside", `return os.open(OUT .. "/secret", "r")`},
	{"os.open symlink nofollow", `return os.open(ROOT .. "/abs-link", os.O_RDONLY + os.O_NOFOLLOW)`},
	{"io.lines outside", `return io.lines(OUT .. "/secret")`},
	{"io.input outside", `return io.input(OUT .. "/secret")`},
	{"io.output outside", `return io.output(OUT .. "/planted")`},
	{"dofile outside", `return dofile(OUT .. "/evil.lua")`},
	{"loadfile outside", `return loadfile(OUT .. "/evil.lua")`},
	{"require outside", `package.path = OUT .. "/?.lua" return require("evil")`},
	{"require dotdot", `package.path = ROOT .. "/../out/?.lua" return require("evil")`},
	// Writing where only reading is granted, and moving files across.
	{"write read-only file", `return io.open(ROOT .. "/data.txt", "w")`},
	{"create in read-only root", `return io.open(ROOT .. "/new", "w")`},
	{"append read-only", `return os.open(ROOT .. "/data.txt", "a")`},
	{"truncate read-only", `return os.open(ROOT .. "/data.txt", os.O_RDONLY + os.O_TRUNC)`},
	{"remove in read-only root", `return os.remove(ROOT .. "/data.txt")`},
	{"remove outside", `return os.remove(OUT .. "/secret")`},
	{"rename out of read-only", `return os.rename(ROOT .. "/data.txt", RW .. "/taken")`},
	{"rename outside in", `return os.rename(OUT .. "/secret", RW .. "/stolen")`},
	{"rename inside out", `io.open(RW .. "/f", "w"):close() return os.rename(RW .. "/f", OUT .. "/planted")`},
	{"rename via dotdot", `io.open(RW .. "/g", "w"):close() return os.rename(RW .. "/g", RW .. "/../out/planted")`},
	{"remove the root", `return os.remove(RW)`},
	// Guessing descriptor numbers.
	{"read stdin", `return os.read(0, 1)`},
	{"read host fd", `return os.read(HOSTFD, 1)`},
	{"write stdout by number", `return os.write(1, "x")`},
	{"close host fd", `return os.close(HOSTFD)`},
	{"dup host fd", `return os.dup(HOSTFD)`},
	{"dup2 onto host fd", `local r, w = os.pipe() return os.dup2(r, HOSTFD)`},
	{"dup2 from host fd", `return os.dup2(HOSTFD, 100)`},
	{"fdopen host fd", `return os.fdopen(HOSTFD)`},
	{"lseek host fd", `return os.lseek(HOSTFD, 0, "set")`},
	{"get_inheritable host fd", `return os.get_inheritable(HOSTFD)`},
	{"set_inheritable host fd", `return os.set_inheritable(HOSTFD, true)`},
	{"fromfd host fd", `return require("socket").fromfd(HOSTFD)`},
	{"send host fd", `local s = require("socket") local a, b = s.socketpair() return s.send_fds(a, "x", {HOSTFD})`},
	{"pass host fd", `return require("subprocess").run({"/usr/bin/env"}, {pass_fds = {HOSTFD}})`},
	{"redirect from host fd", `return require("subprocess").run({"/usr/bin/env"}, {stdin = HOSTFD})`},
	{"scan for fds", `for fd = 0, 64 do if os.read(fd, 0) then return true end end return nil`},
	{"select on host fd", `return require("select").select({HOSTFD}, {}, {}, 0)`},
	{"select on stdin", `return require("select").select({0}, {1}, {}, 0)`},
	{"select scan for fds", `local sel = require("select") for fd = 0, 64 do if sel.select({fd}, {}, {}, 0) then return true end end return nil`},
	{"poll register host fd", `return require("select").poll():register(HOSTFD)`},
	{"epoll register host fd", `return require("select").epoll():register(HOSTFD)`},
	{"epoll modify host fd", `return require("select").epoll():modify(HOSTFD, 1)`},
	{"epoll unregister host fd", `return require("select").epoll():unregister(HOSTFD)`},
	{"task reads host fd", `local task = require("task") return task.run(function() return os.read(HOSTFD, 1) end)`},
	{"task waits on host fd", `local task = require("task") return task.run(function() return require("select").select({HOSTFD}, {}, {}, 0) end)`},
	// Starting programs that are not allowed.
	{"sh by path", `return require("subprocess").run({"/bin/sh", "-c", "id"})`},
	{"sh on PATH", `return require("subprocess").run({"sh", "-c", "id"})`},
	{"shell true", `return require("subprocess").run("id", {shell = true})`},
	{"os.execute", `return os.execute("id")`},
	{"io.popen", `return io.popen("id")`},
	{"dotdot program path", `return require("subprocess").run({"/usr/bin/../bin/sh", "-c", "id"})`},
	{"symlink to a program", `return require("subprocess").run({ROOT .. "/sh-link", "-c", "id"})`},
	{"program written by the script", `local f = io.open(RW .. "/prog", "w") f:write("#!/bin/sh\nid\n") f:close() return require("subprocess").run({RW .. "/prog"})`},
	{"relative program, from the script's cwd", `return require("subprocess").run({"./env"}, {cwd = RW})`},
	{"program on a relative PATH", `return require("subprocess").run({"env"}, {cwd = RW, env = {PATH = "."}})`},
	{"pipeline stage", `return require("subprocess").pipeline({{"/usr/bin/env"}, {"/bin/cat"}})`},
	{"probe for programs by PATH", `local _, _, e1 = require("subprocess").run({"no-such-program-xyz"}) local _, _, e2 = require("subprocess").run({"id"}) return e1 ~= e2 or nil`},
	{"check_output", `return require("subprocess").check_output({"/bin/echo", "x"})`},
	{"shell metacharacters stay literal", `local r = require("subprocess").run({"/usr/bin/env", "$(id)", ";id"}, {capture_output = true}) return r.stdout:find("uid=") ~= nil or nil`},
	{"env injection through env", `local r = require("subprocess").run({"/usr/bin/env"}, {env = {LD_PRELOAD = "/evil.so"}, capture_output = true}) return r.stdout:find("LD_PRELOAD") ~= nil or nil`},
	{"env injection: shell start-up", `return childEnvHas({BASH_ENV = "/x", ENV = "/x", SHELLOPTS = "xtrace", BASHOPTS = "extdebug", PS4 = "$(id)", IFS = "/", ["BASH_FUNC_ls%%"] = "() { id; }"})`},
	{"env injection: interpreters", `return childEnvHas({PYTHONPATH = "/x", PYTHONSTARTUP = "/x", PYTHONWARNINGS = "ignore::x.Y", PERL5OPT = "-Mx", PERL5LIB = "/x", RUBYOPT = "-rx", NODE_OPTIONS = "--require /x", LUA_INIT = "@/x", LUA_INIT_5_4 = "@/x", LUA_PATH = "/x/?.lua", JAVA_TOOL_OPTIONS = "-javaagent:/x"})`},
	{"inherited env injection", `return childEnvHas(nil, {"BASH_ENV", "PYTHONPATH", "NODE_OPTIONS", "PERL5OPT"})`},
	// The network.
	{"connect loopback", `return require("socket").create_connection("127.0.0.1", REFUSED, 1)`},
	{"connect by name", `return require("socket").create_connection("localhost", REFUSED, 1)`},
	{"connect method", `local s = require("socket").socket() return s:connect("127.0.0.1", REFUSED)`},
	{"listen", `return require("socket").create_server("127.0.0.1", 0)`},
	{"bind method", `local s = require("socket").socket() return s:bind("0.0.0.0", 0)`},
	{"udp sendto", `local s = require("socket").socket("inet", "dgram") return s:sendto("x", "127.0.0.1", REFUSED)`},
	{"listen with no bind", `local s = require("socket").socket() local ok = s:listen(5) local _, port = s:getsockname() return ok or port ~= 0 or nil`},
	{"listen with no bind, inet6", `local s = require("socket").socket("inet6") local ok = s:listen(5) local _, port = s:getsockname() return ok or port ~= 0 or nil`},
	{"udp send binds", `local s = require("socket").socket("inet", "dgram") s:send("x") local _, port = s:getsockname() return port ~= 0 or nil`},
	{"udp sendall binds", `local s = require("socket").socket("inet6", "dgram") s:sendall("x") local _, port = s:getsockname() return port ~= 0 or nil`},
	{"udp send_fds binds", `local so = require("socket") local s = so.socket("inet", "dgram") so.send_fds(s, "x", {}) local _, port = s:getsockname() return port ~= 0 or nil`},
	{"udp os.write binds", `local s = require("socket").socket("inet", "dgram") os.write(s:fileno(), "x") local _, port = s:getsockname() return port ~= 0 or nil`},
	{"udp file write binds", `local s = require("socket").socket("inet", "dgram") local f = os.fdopen(os.dup(s:fileno()), "w") f:setvbuf("no") f:write("x") local _, port = s:getsockname() return port ~= 0 or nil`},
	{"udp refused sendto binds", `local s = require("socket").socket("inet", "dgram") s:sendto("x", "127.0.0.1", REFUSED) local _, port = s:getsockname() return port ~= 0 or nil`},
	{"receive a listening socket", receiveSocket("s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()")},
	{"receive a bound udp socket", receiveSocket("s = socket.socket(type=socket.SOCK_DGRAM); s.bind(('0.0.0.0', 0))")},
	{"receive a connected socket", receiveSocket("s = socket.create_connection(('127.0.0.1', int(sys.argv[2])))")},
	{"unix connect outside", `local s = require("socket").socket("unix") return s:connect(OUT .. "/sock")`},
	{"unix bind read-only", `local s = require("socket").socket("unix") return s:bind(ROOT .. "/sock")`},
	{"unix connect via a final symlink", `local s = require("socket").socket("unix") return s:connect(RW .. "/sock-link")`},
	{"unix connect via a relative final symlink", `local s = require("socket").socket("unix") return s:connect(RW .. "/rel-sock-link")`},
	{"unix sendto via a final symlink", `local s = require("socket").socket("unix", "dgram") return s:sendto("x", RW .. "/dgram-link")`},
	{"unix bind over a final symlink", `local s = require("socket").socket("unix") return s:bind(RW .. "/dangling-link")`},
	{"unix bind via symlink", `local s = require("socket").socket("unix") return s:bind(RW .. "/dir-link/sock")`},
	{"abstract unix socket", `local s = require("socket").socket("unix") return s:bind("\0abstract")`},
	{"unix bind with a NUL in the path", `local s = require("socket").socket("unix") return s:bind(RW .. "/short\0junk")`},
	{"unix connect with a NUL in the path", `local s = require("socket").socket("unix") return s:connect(RW .. "/x\0")`},
	// The file system calls of os.
	{"stat outside", `return os.stat(OUT .. "/secret")`},
	{"lstat via dotdot", `return os.lstat(ROOT .. "/../out/secret")`},
	{"stat through a link", `return os.stat(ROOT .. "/abs-link")`},
	{"stat through a relative link", `return os.stat(ROOT .. "/rel-link")`},
	{"stat proc self root", `return os.stat("/proc/self/root/etc/passwd")`},
	{"listdir outside", `return os.listdir(OUT)`},
	{"listdir through a link", `return os.listdir(ROOT .. "/dir-link")`},
	{"listdir proc self cwd", `return os.listdir("/proc/self/cwd")`},
	{"scandir outside", `return os.scandir(OUT)`},
	{"scandir via dotdot", `return os.scandir("..")`},
	{"glob outside", `return #os.glob(OUT .. "/*") > 0 or nil`},
	{"glob through a link", `return #os.glob(ROOT .. "/dir-link/*") > 0 or nil`},
	{"glob ** through a link", `return #os.glob(ROOT .. "/**/secret") > 0 or nil`},
	{"glob literal outside", `return #os.glob(OUT .. "/secret") > 0 or nil`},
	{"exists outside", `return os.path.exists(OUT .. "/secret")`},
	{"isdir through a link", `return os.path.isdir(ROOT .. "/dir-link")`},
	{"getsize outside", `return os.path.getsize(OUT .. "/secret")`},
	{"readlink outside", `return os.readlink("/proc/self/exe")`},
	{"realpath outside", `return os.realpath("/proc/self/exe") ~= "/proc/self/exe" or nil`},
	{"access outside", `return os.access(OUT .. "/secret", "r")`},
	{"access write read-only", `return os.access(ROOT .. "/data.txt", "w")`},
	{"mkdir in read-only", `return os.mkdir(ROOT .. "/newdir")`},
	{"mkdir through a link", `return os.mkdir(RW .. "/dir-link/planted")`},
	{"mkdir outside", `return os.mkdir(OUT .. "/planted")`},
	{"makedirs outside", `return os.makedirs(OUT .. "/planted/deep")`},
	{"makedirs via dotdot", `return os.makedirs(RW .. "/../out/planted")`},
	{"rmdir read-only", `return os.rmdir(ROOT .. "/sub")`},
	{"rmdir the root", `return os.rmdir(RW)`},
	{"unlink read-only", `return os.unlink(ROOT .. "/data.txt")`},
	{"unlink through a link", `return os.unlink(RW .. "/dir-link/secret")`},
	{"replace out", `io.open(RW .. "/r", "w"):close() return os.replace(RW .. "/r", OUT .. "/planted")`},
	{"replace in", `return os.replace(OUT .. "/secret", RW .. "/stolen")`},
	{"symlink in read-only", `return os.symlink("/etc/passwd", ROOT .. "/planted")`},
	{"symlink out, then open", `os.symlink(OUT .. "/secret", RW .. "/s1") return io.open(RW .. "/s1")`},
	{"relative symlink out, then open", `os.symlink("../out/secret", RW .. "/s2") return io.open(RW .. "/s2")`},
	{"symlink to proc, then open", `os.symlink("/proc/self/root/etc/passwd", RW .. "/s3") return io.open(RW .. "/s3")`},
	{"symlink out, then write", `os.symlink(OUT .. "/planted", RW .. "/s4") return io.open(RW .. "/s4", "w")`},
	{"symlink out, then mkdir", `os.symlink(OUT, RW .. "/s5") return os.mkdir(RW .. "/s5/planted")`},
	{"link a read-only file", `return os.link(ROOT .. "/data.txt", RW .. "/hard")`},
	{"link from outside", `return os.link(OUT .. "/secret", RW .. "/hard")`},
	{"link to outside", `io.open(RW .. "/l", "w"):close() return os.link(RW .. "/l", OUT .. "/planted")`},
	{"link through a link", `return os.link(RW .. "/dir-link/secret", RW .. "/hard")`},
	{"chmod read-only", `return os.chmod(ROOT .. "/data.txt", 511)`},
	{"chmod through a link", `return os.chmod(RW .. "/abs-link", 511)`},
	{"chmod set-uid", `io.open(RW .. "/su", "w"):close() os.chmod(RW .. "/su", 2541) return os.stat(RW .. "/su").perm >= 512 or nil`},
	{"mkdir sticky", `os.mkdir(RW .. "/sg", 1000) return os.stat(RW .. "/sg").perm >= 512 or nil`},
	{"fchmod set-uid", `local fd = os.open(RW .. "/fsu", "w") os.chmod(fd, 2541) return os.stat(fd).perm >= 512 or nil`},
	{"fchmod a read-only descriptor", `local fd = os.open(ROOT .. "/data.txt", "r") return os.chmod(fd, 511)`},
	{"fchown a read-only descriptor", `local fd = os.open(ROOT .. "/data.txt", "r") return os.chown(fd, -1, -1)`},
	{"ftruncate a read-only descriptor", `local fd = os.open(ROOT .. "/data.txt", "r") return os.truncate(fd, 0)`},
	{"chown read-only", `return os.chown(ROOT .. "/data.txt", -1, -1)`},
	{"utime read-only", `return os.utime(ROOT .. "/data.txt")`},
	{"utime through a link", `return os.utime(RW .. "/abs-link")`},
	{"truncate a read-only file", `return os.truncate(ROOT .. "/data.txt", 0)`},
	{"truncate through a link", `return os.truncate(RW .. "/abs-link", 0)`},
	{"chdir outside", `return os.chdir(OUT)`},
	{"chdir through a link", `return os.chdir(ROOT .. "/dir-link")`},
	{"chdir, then dotdot", `os.chdir(ROOT .. "/sub") return io.open("../../out/secret")`},
	{"chdir, then relative write", `os.chdir(ROOT .. "/sub") return io.open("planted", "w")`},
	{"umask", `return os.umask(0)`},
	// shutil.
	{"copyfile from outside", `return require("shutil").copyfile(OUT .. "/secret", RW .. "/stolen")`},
	{"copyfile through a link", `return require("shutil").copyfile(ROOT .. "/abs-link", RW .. "/stolen")`},
	{"copyfile to outside", `return require("shutil").copyfile(ROOT .. "/data.txt", OUT .. "/planted")`},
	{"copyfile into read-only", `return require("shutil").copyfile(RW .. "/../rw/x", ROOT .. "/planted")`},
	{"copyfile onto a link out", `return require("shutil").copyfile(ROOT .. "/data.txt", RW .. "/abs-link")`},
	{"copy into a link to a directory out", `return require("shutil").copy(ROOT .. "/data.txt", RW .. "/dir-link")`},
	{"copy2 set-uid", `assert(require("shutil").copy2(ROOT .. "/suid", RW .. "/suid-copy2")) return os.stat(RW .. "/suid-copy2").perm >= 512 or nil`},
	{"copy set-uid", `assert(require("shutil").copy(ROOT .. "/suid", RW .. "/suid-copy")) return os.stat(RW .. "/suid-copy").perm >= 512 or nil`},
	{"copytree from outside", `return require("shutil").copytree(OUT, RW .. "/stolen")`},
	{"copytree through a link", `local sh = require("shutil") sh.copytree(ROOT, RW .. "/t") return io.open(RW .. "/t/dir-link/secret")`},
	{"copytree to outside", `return require("shutil").copytree(ROOT .. "/sub", OUT .. "/planted")`},
	{"copytree links, then open", `local sh = require("shutil") sh.copytree(ROOT, RW .. "/t2", {symlinks = true}) return io.open(RW .. "/t2/abs-link")`},
	{"rmtree read-only", `return require("shutil").rmtree(ROOT .. "/sub")`},
	{"rmtree outside", `return require("shutil").rmtree(OUT)`},
	{"rmtree through a link", `return require("shutil").rmtree(RW .. "/dir-link")`},
	{"rmtree below a link", `return require("shutil").rmtree(RW .. "/dir-link/x")`},
	{"rmtree via dotdot", `return require("shutil").rmtree(RW .. "/../out")`},
	{"rmtree the granted directory", `return require("shutil").rmtree(RW)`},
	// (The outside is checked after the corpus: the link must go, not the secret.)
	{"rmtree a tree with a link out", `os.mkdir(RW .. "/d") os.symlink(OUT, RW .. "/d/l") assert(require("shutil").rmtree(RW .. "/d")) return nil`},
	{"move from outside", `return require("shutil").move(OUT .. "/secret", RW .. "/stolen")`},
	{"move to outside", `io.open(RW .. "/mv", "w"):close() return require("shutil").move(RW .. "/mv", OUT)`},
	{"move from read-only", `return require("shutil").move(ROOT .. "/data.txt", RW .. "/taken")`},
	{"which a program not allowed", `return require("shutil").which("sh")`},
	{"which outside", `return require("shutil").which("/bin/sh")`},
	{"disk_usage outside", `return require("shutil").disk_usage("/")`},
	// The host's environment and process.
	{"environ", `return os.environ().SAFESH_SECRET`},
	{"unsetenv", `return os.unsetenv and os.unsetenv("SAFESH_SECRET")`},
	{"kill self", `return os.kill(os.getpid(), 0)`},
	{"kill init", `return os.kill(1, 0)`},
	{"kill every process", `return os.kill(-1, 0)`},
	{"kill own group", `return os.kill(0, 0)`},
	{"kill a reaped child", `local sp = require("subprocess") local p = sp.Popen({"/usr/bin/env"}, {stdout = sp.DEVNULL}) p:wait() return os.kill(p.pid, 0)`},
	{"exec an allowed program", `return os.exec({"/usr/bin/env"})`},
	// A child under another identity, or with more than the host has: a
	// host that runs as root must not lend a plugin root's powers.
	{"child as root", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {user = 0, stdout = sp.DEVNULL})`},
	{"child as another user", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {user = "nobody", stdout = sp.DEVNULL})`},
	{"child in group 0", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {group = 0, stdout = sp.DEVNULL})`},
	{"child with extra groups", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {extra_groups = {0}, stdout = sp.DEVNULL})`},
	{"child with its groups dropped", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {extra_groups = {}, stdout = sp.DEVNULL})`},
	{"run as root", `local sp = require("subprocess") return sp.run({"/usr/bin/env"}, {user = 0, capture_output = true})`},
	{"user lookup tells who exists", `local sp = require("subprocess") local p, msg = sp.Popen({"/usr/bin/env"}, {user = "no-such-user-here"}) return p or not msg:find("user/group: operation not permitted", 1, true)`},
	{"child nofile above the host's", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {rlimits = {nofile = {16, 1e9}}, stdout = sp.DEVNULL})`},
	{"child nofile unlimited", `local sp = require("subprocess") return sp.Popen({"/usr/bin/env"}, {rlimits = {nofile = "unlimited"}, stdout = sp.DEVNULL})`},
	{"getenv", `return os.getenv("SAFESH_SECRET")`},
	{"setenv", `return os.setenv and os.setenv("SAFESH_SECRET", "changed")`},
	{"debug getinfo", `return debug.getinfo`},
	{"debug setmetatable", `return debug.setmetatable`},
	{"_printregs writes to the host's stderr", `return _printregs`},
	// Signals are the process's: a restricted runtime without
	// AllowSignals cannot handle, ignore or raise them.
	{"signal module without a grant", `return require("signal")`},
	// Fatal errors of the Go runtime, which no recover catches: sources
	// nested deeper than the compiler's stack holds, and coroutines resumed
	// one inside another without end (6 GB for 343,000).
	{"nesting tables a million deep", `return loadstring("return " .. ("{"):rep(1e6) .. ("}"):rep(1e6))`},
	{"nesting not a million deep", `return loadstring("return " .. ("not "):rep(1e6) .. "1")`},
	{"nesting a right-associative chain", `return loadstring("return 2" .. ("^2"):rep(1e5))`},
	{"coroutines nested without end", `local function f() return coroutine.wrap(function() return f()() end) end return f()()`},
	{"coroutines resumed without end", `local function g() local ok, v = coroutine.resume(coroutine.create(g)) if not ok then error(v) end end return g()`},
	// A mode with set-uid, set-gid or sticky: the file is created without
	// them (checked after the corpus).
	{"set-uid file", `local fd = assert(os.open(RW .. "/suid", "w", tonumber("6755", 8))) os.close(fd) return nil`},
	{"set-gid sticky file", `local fd = assert(os.open(RW .. "/sgid", os.O_WRONLY + os.O_CREAT, tonumber("3777", 8))) os.close(fd) return nil`},
}

// childEnvHas is a helper of the corpus: childEnvHas(env, names) runs the
// allowed program, /usr/bin/env, with the environment env (nil: the
// process's own) and returns the first of names (by default env's keys)
// that reached it, or nil.
const childEnvHas = `
function childEnvHas(env, names)
	local r = require("subprocess").run({"/usr/bin/env"}, {env = env, capture_output = true})
	if not names then
		names = {}
		for k in pairs(env) do names[#names + 1] = k end
	end
	for _, name in ipairs(names) do
		if ("\n" .. r.stdout):find("\n" .. name .. "=", 1, true) then return name end
	end
	return nil
end`

// receiveSocket is the code of a case that has the allowed program (env,
// which runs python3) make a socket with the Python code setup, which
// sets s, and pass it back over a socket pair: the script must not get a
// listening, bound or connected IPv4 socket its policy would not let it
// make. The Python code gets the port of a listener as sys.argv[2].
func receiveSocket(setup string) string {
	return `local socket, sp = require("socket"), require("subprocess")
	local a, b = socket.socketpair()
	local py = "import socket, sys\n` + setup + `\n" ..
		"socket.send_fds(socket.socket(fileno=int(sys.argv[1])), [b'x'], [s.fileno()])"
	local r = sp.run({"/usr/bin/env", "python3", "-c", py, tostring(b:fileno()), tostring(LISTENER)}, {pass_fds = {b}})
	assert(r.returncode == 0, "python3 failed")
	local data, fds = socket.recv_fds(a, 10, 4)
	if data == nil then return nil, fds end
	return #fds > 0 or nil`
}

// TestEscapeCorpus runs every escape attempt in a fresh restricted
// runtime and checks that each was refused, and that nothing outside the
// granted directories changed.
func TestEscapeCorpus(t *testing.T) {
	if len(escapeCases) < 50 {
		t.Fatalf("the corpus has %d cases; it must keep at least 50", len(escapeCases))
	}
	top := t.TempDir()
	root, rw, out := filepath.Join(top, "root"), filepath.Join(top, "rw"), filepath.Join(top, "out")
	for _, d := range []string{root, rw, out, filepath.Join(root, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(root, "data.txt"), []byte("data"), 0o644))
	must(os.WriteFile(filepath.Join(root, "suid"), []byte("#!/bin/sh\n"), 0o644))
	must(os.Chmod(filepath.Join(root, "suid"), 0o755|os.ModeSetuid))
	must(os.WriteFile(filepath.Join(out, "secret"), []byte("secret"), 0o644))
	must(os.WriteFile(filepath.Join(out, "evil.lua"), []byte(`EVIL = true return true`), 0o644))
	must(os.Symlink(filepath.Join(out, "secret"), filepath.Join(root, "abs-link")))
	must(os.Symlink("../out/secret", filepath.Join(root, "rel-link")))
	must(os.Symlink(out, filepath.Join(root, "dir-link")))
	must(os.Symlink(out, filepath.Join(rw, "dir-link")))
	must(os.Symlink(filepath.Join(out, "secret"), filepath.Join(rw, "abs-link")))
	must(os.Symlink("/proc/self/root/etc/passwd", filepath.Join(root, "proc-link")))
	must(os.Symlink("/bin/sh", filepath.Join(root, "sh-link")))
	// A unix socket outside, that a script must not reach.
	ln, err := net.Listen("unix", filepath.Join(out, "sock"))
	must(err)
	defer ln.Close()
	dgram, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(out, "dgram"), Net: "unixgram"})
	must(err)
	defer dgram.Close()
	must(os.Symlink(filepath.Join(out, "sock"), filepath.Join(rw, "sock-link")))
	must(os.Symlink("../out/sock", filepath.Join(rw, "rel-sock-link")))
	must(os.Symlink(filepath.Join(out, "dgram"), filepath.Join(rw, "dgram-link")))
	must(os.Symlink(filepath.Join(out, "planted-sock"), filepath.Join(rw, "dangling-link")))
	// A port nobody listens on.
	tmp, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	refused := tmp.Addr().(*net.TCPAddr).Port
	tmp.Close()
	// A port something listens on.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	defer listener.Close()
	host, err := os.Open(filepath.Join(out, "secret"))
	must(err)
	defer host.Close()
	// An "env" of the script's choosing where a relative name would find
	// it, and the host's cwd where the allowed env lives: the check must
	// resolve the program as the child will, from its own cwd.
	must(os.WriteFile(filepath.Join(rw, "env"), []byte("#!/bin/sh\necho planted\n"), 0o755))
	t.Chdir("/usr/bin")
	t.Setenv("SAFESH_SECRET", "hunter2")
	t.Setenv("LD_PRELOAD", "/nonexistent/evil.so")
	for _, name := range []string{"BASH_ENV", "PYTHONPATH", "NODE_OPTIONS", "PERL5OPT"} {
		t.Setenv(name, "/nonexistent/evil")
	}
	hostCwd, _ := os.Getwd()

	for _, c := range escapeCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := runtime.New(runtime.AllowRead(root), runtime.AllowWrite(rw), runtime.AllowRun("/usr/bin/env"),
				runtime.WithStdout(new(strings.Builder)), runtime.WithStderr(new(strings.Builder)))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			L := r.LState()
			for name, v := range map[string]lua.LValue{
				"ROOT": lua.LString(root), "RW": lua.LString(rw), "OUT": lua.LString(out),
				"HOSTFD": lua.LNumber(host.Fd()), "REFUSED": lua.LNumber(refused),
				"LISTENER": lua.LNumber(listener.Addr().(*net.TCPAddr).Port),
			} {
				L.SetGlobal(name, v)
			}
			if err := r.DoString(context.Background(), childEnvHas, "childEnvHas"); err != nil {
				t.Fatal(describe(err))
			}
			fn, err := L.LoadString(c.code)
			if err != nil {
				t.Fatalf("the case does not compile: %v", err)
			}
			res, err := r.Call(context.Background(), fn)
			if err != nil {
				var lerr *runtime.Error
				if !errors.As(err, &lerr) {
					t.Fatalf("refused with a non-Lua error: %v", err)
				}
				t.Logf("raised: %s", lerr.Message)
				return
			}
			if len(res) > 0 && lua.LVAsBool(res[0]) {
				t.Fatalf("NOT refused: returned %v", res)
			}
			if len(res) > 1 {
				t.Logf("refused: %v", res[1:])
			}
		})
	}

	// Nothing changed outside.
	ents, err := os.ReadDir(out)
	must(err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "dgram,evil.lua,secret,sock" {
		t.Errorf("the outside directory now holds %v", names)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "secret")); string(data) != "secret" {
		t.Errorf("the secret changed: %q", data)
	}
	if os.Getenv("SAFESH_SECRET") != "hunter2" {
		t.Errorf("the host's environment changed")
	}
	// Nothing the script created has set-uid, set-gid or sticky bits.
	filepath.WalkDir(rw, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fi, err := d.Info(); err == nil && fi.Mode()&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky) != 0 {
			t.Errorf("%s has mode %v", path, fi.Mode())
		}
		return nil
	})
	if _, err := host.Stat(); err != nil {
		t.Errorf("the host's descriptor %d was closed: %v", host.Fd(), err)
	}
	if wd, _ := os.Getwd(); wd != hostCwd {
		t.Errorf("the host's working directory changed to %s", wd)
	}
	if fi, _ := os.Stat(filepath.Join(root, "data.txt")); fi == nil || fi.Mode().Perm() != 0o644 || fi.Size() != 4 {
		t.Errorf("the read-only file changed: %v", fi)
	}
}

// TestPolicyAllows checks the other side of the corpus: what the host
// granted works, so that the refusals above are not an accident.
func TestPolicyAllows(t *testing.T) {
	top := t.TempDir()
	root, rw := filepath.Join(top, "root"), filepath.Join(top, "rw")
	os.MkdirAll(filepath.Join(root, "lib"), 0o755)
	os.MkdirAll(rw, 0o755)
	os.WriteFile(filepath.Join(root, "data.txt"), []byte("data"), 0o644)
	os.WriteFile(filepath.Join(root, "lib", "helper.lua"), []byte(`return {answer = 42}`), 0o644)
	os.Symlink("data.txt", filepath.Join(root, "inner-link"))
	grant, err := os.Open(filepath.Join(root, "data.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer grant.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("hello"))
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	t.Setenv("SAFESH_ALLOWED", "yes")
	t.Setenv("LD_PRELOAD", "/nonexistent/evil.so")
	r, err := runtime.New(runtime.AllowRead(root), runtime.AllowWrite(rw), runtime.AllowRun("/usr/bin/env"),
		runtime.AllowConnect("127.0.0.1:"+strconv.Itoa(port)), runtime.AllowEnv("SAFESH_ALLOWED"),
		runtime.WithFile("data", grant, false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	code := `
		local sp, socket = require("subprocess"), require("socket")
		assert(io.open(ROOT .. "/data.txt"):read("*a") == "data", "read in root")
		assert(io.open("data.txt"):read("*a") == "data", "relative to the first root")
		assert(io.open(ROOT .. "/inner-link"):read("*a") == "data", "a link that stays inside")
		package.path = ROOT .. "/lib/?.lua"
		assert(require("helper").answer == 42, "require from the root")
		local f = assert(io.open(RW .. "/out.txt", "w")) f:write("w") f:close()
		assert(os.rename(RW .. "/out.txt", RW .. "/moved.txt"))
		assert(os.remove(RW .. "/moved.txt"))
		local t = assert(io.tmpfile()) t:write("x") t:close()
		local name = assert(os.tmpname()) assert(name:sub(1, #RW) == RW, "tmpname in rw") os.remove(name)
		local env = sp.check_output({"/usr/bin/env"}, {env = {A = "1", LD_PRELOAD = "/x.so", LD_LIBRARY_PATH = "/y"}})
		assert(env:find("A=1"), "env passed")
		assert(not env:find("LD_"), "LD_ variables scrubbed: " .. env)
		local env2 = sp.check_output({"/usr/bin/env"})
		assert(not env2:find("LD_PRELOAD"), "LD_PRELOAD scrubbed from the inherited environment")
		local c = assert(socket.create_connection("127.0.0.1", PORT, 5))
		assert(c:recv(5) == "hello", "allowed connect")
		assert(os.getenv("SAFESH_ALLOWED") == "yes", "allowed getenv")
		assert(os.read(os.grants.data, 4) == "data", "read a granted descriptor")
		assert(not os.write(os.grants.data, "x"), "a read-only grant refuses writes")
	`
	L := r.LState()
	L.SetGlobal("ROOT", lua.LString(root))
	L.SetGlobal("RW", lua.LString(rw))
	L.SetGlobal("PORT", lua.LNumber(port))
	if err := r.DoString(context.Background(), code, "allows"); err != nil {
		t.Fatal(describe(err))
	}
}

// TestPolicyRefusesBeforeLookup checks that a name no pattern can allow is
// refused before it is looked up, so that a script cannot send a name
// server whatever it puts in a name. The names do not exist: had they been
// looked up, the resolver's error (no such host, or a timeout) would have
// come back rather than the policy's EACCES. Where a pattern could allow
// the name, by its name or by address, the lookup must happen.
func TestPolicyRefusesBeforeLookup(t *testing.T) {
	const name = "secret-data.safesh-test.invalid"
	cases := []struct {
		name     string
		grant    []runtime.Option
		code     string
		lookedUp bool
	}{
		{"create_connection", nil, `return socket.create_connection(NAME, 80, 2)`, false},
		{"connect", nil, `local s = socket.socket() s:settimeout(2) return s:connect(NAME, 80)`, false},
		{"sendto", nil, `local s = socket.socket("inet", "dgram") s:settimeout(2) return s:sendto("x", NAME, 53)`, false},
		{"create_server", nil, `return socket.create_server(NAME, 8080)`, false},
		{"bind with a connect grant", []runtime.Option{runtime.AllowConnect("*:*")}, `return socket.create_server(NAME, 8080)`, false},
		{"another name granted", []runtime.Option{runtime.AllowConnect("api.example.com:80")}, `return socket.create_connection(NAME, 80, 2)`, false},
		{"granted name, other port", []runtime.Option{runtime.AllowConnect(name + ":443")}, `return socket.create_connection(NAME, 80, 2)`, false},
		{"granted name", []runtime.Option{runtime.AllowConnect(name + ":80")}, `return socket.create_connection(NAME, 80, 2)`, true},
		{"granted suffix", []runtime.Option{runtime.AllowConnect("*.invalid:*")}, `return socket.create_connection(NAME, 80, 2)`, true},
		{"address pattern", []runtime.Option{runtime.AllowConnect("10.0.0.5:80")}, `return socket.create_connection(NAME, 80, 2)`, true},
		{"listen grant", []runtime.Option{runtime.AllowListen("*:8080")}, `return socket.create_server(NAME, 8080)`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := runtime.New(c.grant...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			L := r.LState()
			L.SetGlobal("NAME", lua.LString(name))
			fn, err := L.LoadString(`socket = require("socket") ` + c.code)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Call(context.Background(), fn)
			if err != nil {
				t.Fatal(describe(err))
			}
			if len(res) != 3 || res[0] != lua.LNil {
				t.Fatalf("got %v; want nil, message, errno", res)
			}
			msg, errno := res[1].String(), res[2].String()
			refused := errno == strconv.Itoa(int(syscall.EACCES))
			if refused == c.lookedUp {
				t.Errorf("got %q (errno %s); want the name %s", msg, errno,
					map[bool]string{true: "looked up", false: "refused by the policy"}[c.lookedUp])
			}
			if !c.lookedUp && !strings.Contains(msg, "not granted") {
				t.Errorf("message %q does not name the policy", msg)
			}
		})
	}
}

// TestAllowRunChecksWhatRuns checks that a program named by a relative
// path, or found on a relative PATH, is checked where the child will find
// it (from its cwd), not where the host's cwd would: a plugin allowed
// x/tool, with the host's cwd x, must not run a tool of its own making by
// asking for "./tool" in a directory it can write.
func TestAllowRunChecksWhatRuns(t *testing.T) {
	top := t.TempDir()
	x, rw := filepath.Join(top, "x"), filepath.Join(top, "rw")
	for _, d := range []string{x, rw} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(x, "tool"), []byte("#!/bin/sh\necho allowed\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(x)
	r, err := runtime.New(runtime.AllowRun(filepath.Join(x, "tool"), "/bin/sh"), runtime.AllowWrite(rw))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("RW", lua.LString(rw))
	code := `
		local sp = require("subprocess")
		local f = assert(io.open(RW .. "/tool", "w")) f:write("#!/bin/sh\necho planted\n") f:close()
		-- (a plugin cannot chmod yet: the host makes it executable below)
		assert(sp.check_output({"./tool"}) == "allowed\n", "the allowed tool, from the host's cwd")
		for _, c in ipairs({
			{{"./tool"}, {cwd = RW}},
			{{"tool"}, {cwd = RW, env = {PATH = "."}}},
			{{"../rw/tool"}, {}},
		}) do
			local out, msg, errno = sp.run(c[1], c[2])
			assert(out == nil and errno == os.errno.EPERM, "ran " .. c[1][1] .. ": " .. tostring(msg))
		end
	`
	if err := os.WriteFile(filepath.Join(rw, "tool"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.DoString(context.Background(), code, "relative"); err != nil {
		t.Fatal(describe(err))
	}
}

// TestGrantsAddUp checks that grants combine whatever their order: a
// directory granted for reading and for writing is writable, and a
// writable directory inside a read-only one stays writable.
func TestGrantsAddUp(t *testing.T) {
	top := t.TempDir()
	inner := filepath.Join(top, "inner")
	if err := os.Mkdir(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		opts  []runtime.Option
		write []string // relative to top: must be writable
		ro    []string // must be refused
	}{
		{"read then write", []runtime.Option{runtime.AllowRead(top), runtime.AllowWrite(top)}, []string{"a", "inner/a"}, nil},
		{"write then read", []runtime.Option{runtime.AllowWrite(top), runtime.AllowRead(top)}, []string{"b", "inner/b"}, nil},
		{"writable inside read-only", []runtime.Option{runtime.AllowRead(top), runtime.AllowWrite(inner)}, []string{"inner/c"}, []string{"c"}},
		{"read-only inside writable", []runtime.Option{runtime.AllowWrite(top), runtime.AllowRead(inner)}, []string{"d", "inner/d"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := runtime.New(c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			L := r.LState()
			L.SetGlobal("TOP", lua.LString(top))
			for _, p := range c.write {
				if err := r.DoString(context.Background(), `assert(io.open(TOP .. "/`+p+`", "w")):close()
					assert(io.open(TOP .. "/`+p+`")):close()`, p); err != nil {
					t.Errorf("%s: %s", p, describe(err))
				}
			}
			for _, p := range c.ro {
				if err := r.DoString(context.Background(), `local f, msg = io.open(TOP .. "/`+p+`", "w")
					assert(f == nil and msg:find("read%-only"), tostring(msg))`, p); err != nil {
					t.Errorf("%s: %s", p, describe(err))
				}
			}
		})
	}
}

// TestNetworkGrantsAllow checks the other side of the corpus's network
// cases: what a grant allows works, a listen with no bind needs a grant
// of every address on any port, and a datagram socket is bound by a
// send only when the send has somewhere to go.
func TestNetworkGrantsAllow(t *testing.T) {
	rw := t.TempDir()
	if err := os.Symlink("s", filepath.Join(rw, "inner-link")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		grant []runtime.Option
		code  string
	}{
		{"listen with no bind, any address granted", []runtime.Option{runtime.AllowListen("*:*"), runtime.AllowConnect("127.0.0.1:*")}, `
			local s = assert(socket.socket()) assert(s:listen(5))
			local host, port = s:getsockname() assert(host == "0.0.0.0" and port > 0, host)
			local c = assert(socket.create_connection("127.0.0.1", port, 5))
			assert(s:accept(), "accepted")`},
		{"listen with no bind, 0.0.0.0 granted", []runtime.Option{runtime.AllowListen("0.0.0.0:*")}, `
			assert(socket.socket():listen())`},
		{"listen with no bind, inet6", []runtime.Option{runtime.AllowListen("[::]:*")}, `
			local s = socket.socket("inet6") assert(s:listen())
			assert(not socket.socket():listen(), "[::] does not grant 0.0.0.0")`},
		{"loopback granted: bind first", []runtime.Option{runtime.AllowListen("127.0.0.1:*")}, `
			local _, msg, errno = socket.socket():listen()
			assert(errno == os.errno.EACCES and msg:find("^listen: 0.0.0.0:0: .*listening not granted"), msg)
			local s = socket.socket() assert(s:bind("127.0.0.1", 0)) assert(s:listen())`},
		{"udp sendto binds a client's port", []runtime.Option{runtime.AllowConnect("127.0.0.1:*"), runtime.AllowListen("127.0.0.1:*")}, `
			local r = socket.socket("inet", "dgram") assert(r:bind("127.0.0.1", 0))
			local _, port = r:getsockname()
			local s = socket.socket("inet", "dgram")
			local n, msg, errno = s:send("x")
			assert(n == nil and errno == os.errno.EDESTADDRREQ, msg)
			assert(select(2, s:getsockname()) == 0, "still unbound")
			assert(s:sendto("a", "127.0.0.1", port) == 1)
			assert(select(2, s:getsockname()) > 0, "bound by the allowed sendto")
			assert(r:recv(10) == "a")
			assert(select(3, s:send("b")) == os.errno.EDESTADDRREQ, "the kernel's own error")`},
		{"udp send after connect", []runtime.Option{runtime.AllowConnect("127.0.0.1:*"), runtime.AllowListen("127.0.0.1:*")}, `
			local r = socket.socket("inet", "dgram") assert(r:bind("127.0.0.1", 0))
			local s = socket.socket("inet", "dgram") assert(s:connect(r:getsockname()))
			assert(s:send("hello") == 5) assert(r:recv(10) == "hello")
			assert(os.write(s:fileno(), "again") == 5) assert(r:recv(10) == "again")`},
	}
	cases = append(cases, struct {
		name  string
		grant []runtime.Option
		code  string
	}{"unix sockets in a writable directory", []runtime.Option{runtime.AllowWrite(rw)}, `
		local l = socket.socket("unix") assert(l:bind(RW .. "/s")) assert(l:listen())
		local c = socket.socket("unix") assert(c:connect(RW .. "/s"))
		local a = assert(l:accept()) assert(c:send("hi") == 2) assert(a:recv(2) == "hi")
		local c2 = socket.socket("unix") assert(c2:connect(RW .. "/inner-link"), "a link that stays inside")
		assert(l:accept())
		local d = socket.socket("unix", "dgram") assert(d:bind(RW .. "/d"))
		assert(socket.socket("unix", "dgram"):sendto("dg", RW .. "/d") == 2) assert(d:recv(2) == "dg")
		local _, msg = socket.socket("unix"):connect(RW .. "/missing")
		assert(msg == "connect: " .. RW .. "/missing: no such file or directory", msg)`})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := runtime.New(c.grant...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			r.LState().SetGlobal("RW", lua.LString(rw))
			if err := r.DoString(context.Background(), `socket = require("socket") `+c.code, c.name); err != nil {
				t.Fatal(describe(err))
			}
		})
	}
}

// TestCloseFdsFalseGivesOnlyOwn checks that close_fds = false, in a
// restricted runtime, gives a child only the runtime's own inheritable
// descriptors: not the host's, nor another runtime's, though they are
// inheritable too.
func TestCloseFdsFalseGivesOnlyOwn(t *testing.T) {
	lsfds, err := exec.LookPath("lsfds")
	if err != nil {
		t.Fatal(err)
	}
	var hostPipe [2]int
	if err := syscall.Pipe(hostPipe[:]); err != nil { // inheritable
		t.Fatal(err)
	}
	defer syscall.Close(hostPipe[0])
	defer syscall.Close(hostPipe[1])
	other, err := runtime.New()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.DoString(context.Background(), `r, w = os.pipe() assert(os.set_inheritable(r, true))`, "other"); err != nil {
		t.Fatal(describe(err))
	}
	otherFd := int(other.LState().GetGlobal("r").(lua.LNumber))
	for _, opts := range [][]runtime.Option{
		{runtime.AllowRun(lsfds)},
		{runtime.AllowRun(lsfds), runtime.AllowRead("/")},
	} {
		r, err := runtime.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		r.LState().SetGlobal("LSFDS", lua.LString(lsfds))
		if err := r.DoString(context.Background(), `
			mine, w = os.pipe() assert(os.set_inheritable(mine, true))
			out = require("subprocess").check_output({LSFDS}, {close_fds = false})`, "restricted"); err != nil {
			t.Fatal(describe(err))
		}
		got, err := fdtest.Parse(r.LState().GetGlobal("out").String())
		if err != nil {
			t.Fatal(err)
		}
		mine := int(r.LState().GetGlobal("mine").(lua.LNumber))
		if _, ok := got[mine]; !ok {
			t.Errorf("the child did not get the runtime's own inheritable fd %d: %v", mine, got)
		}
		for _, fd := range []int{hostPipe[0], hostPipe[1], otherFd} {
			if _, ok := got[fd]; ok {
				t.Errorf("the child got fd %d, which is not the runtime's: %v", fd, got)
			}
		}
	}
}

// TestOwnProcRefused checks that even AllowRead("/") does not let a
// script read the process's own /proc entries (its memory, environment,
// descriptors), by any path that leads there, while the rest of /proc
// stays readable.
func TestOwnProcRefused(t *testing.T) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	tid := tasks[len(tasks)-1].Name()
	dir := t.TempDir()
	up := strings.Repeat("../", strings.Count(dir, "/"))
	if err := os.Symlink(up+"proc/self/environ", filepath.Join(dir, "environ-link")); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(os.Getpid())
	r, err := runtime.New(runtime.AllowRead("/"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, code := range []string{
		`return io.open("/proc/self/environ")`,
		`return io.open("/proc/self/mem")`,
		`return io.open("/proc/self/maps")`,
		`return os.open("/proc/self/fd", "r")`,
		`return io.open("/proc/self")`,
		`return io.open("/proc/thread-self/environ")`,
		`return io.open("/proc/` + pid + `/environ")`,
		`return io.open("/proc/` + pid + `/task/` + tid + `/environ")`,
		`return io.open("/proc/` + tid + `/environ")`,
		`return io.open("/proc/./self/../self/cmdline")`,
		`return io.open("` + dir + `/environ-link")`,
		`return io.lines("/proc/self/environ")`,
		`return loadfile("/proc/self/environ")`,
		`return os.stat("/proc/self/environ")`,
		`return os.lstat("/proc/self/mem")`,
		`return os.stat("` + dir + `/environ-link")`,
		`return os.listdir("/proc/self/fd")`,
		`return os.listdir("/proc/self")`,
		`return os.scandir("/proc/thread-self/fd")`,
		`return os.readlink("/proc/self/fd/0")`,
		`return os.readlink("/proc/self/exe")`,
		`return os.readlink("/proc/` + pid + `/cwd")`,
		`return os.path.exists("/proc/self/environ")`,
		`return os.path.getsize("/proc/self/maps")`,
		`return os.access("/proc/self/environ", "r")`,
		`return #os.glob("/proc/self/fd/*") > 0 or nil`,
		`return #os.glob("/proc/` + pid + `/*") > 0 or nil`,
		`return require("shutil").disk_usage("/proc/self/fd")`,
	} {
		res, err := r.Call(context.Background(), mustLoad(t, r, code))
		if err != nil {
			t.Logf("%s: raised %s", code, describe(err))
			continue
		}
		if len(res) > 0 && lua.LVAsBool(res[0]) {
			t.Errorf("%s: NOT refused", code)
		} else if len(res) > 1 {
			t.Logf("%s: %v", code, res[1])
		}
	}
	if err := r.DoString(context.Background(), `
		assert(io.open("/proc/cpuinfo")):close()
		assert(io.open("/proc/1/stat")):close()
		assert(io.open("/etc/hostname")):close()
		assert(os.stat("/proc/cpuinfo") and os.stat("/proc/1"))
		assert(#os.listdir("/proc") > 0)
		assert(os.readlink("/proc/self"))`, "allowed"); err != nil {
		t.Fatal(describe(err))
	}
}

// mustLoad compiles code in r's state.
func mustLoad(t *testing.T, r *runtime.Runtime, code string) *lua.LFunction {
	t.Helper()
	fn, err := r.LState().LoadString(code)
	if err != nil {
		t.Fatal(err)
	}
	return fn
}

// TestEscapeHostStreams checks, in a restricted runtime, that os.execute
// and io.popen give their children the host's Go reader and writers as
// standard streams, and not the process's own descriptors 0, 1 and 2.
func TestEscapeHostStreams(t *testing.T) {
	const sh = `"echo out; echo err >&2; cat"`
	for name, code := range map[string]string{
		"os.execute": `os.execute(` + sh + `)`,
		"io.popen r": `local f = io.popen(` + sh + `) io.write(f:read("*a")) f:close()`,
	} {
		var stdout, stderr strings.Builder
		r, err := runtime.New(runtime.AllowRun("/bin/sh", "/bin/cat", "/usr/bin/cat"),
			runtime.WithStdin(strings.NewReader("in\n")), runtime.WithStdout(&stdout), runtime.WithStderr(&stderr))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.DoString(context.Background(), code, name); err != nil {
			t.Fatal(describe(err))
		}
		r.Close()
		if stdout.String() != "out\nin\n" || stderr.String() != "err\n" {
			t.Errorf("%s: stdout %q, stderr %q; want the host's writers to get everything", name, stdout.String(), stderr.String())
		}
	}
}

// TestWithoutOsModule checks that a runtime granted no os module still has
// no way around its policy through Lua 5.1's own os functions, which
// gopher-lua provides: they must be safesh's, policy-checked ones, and
// os.exit must not end the host.
func TestWithoutOsModule(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SAFESH_SECRET", "hunter2")
	var out strings.Builder
	r, err := runtime.New(runtime.WithModules("io"), runtime.WithStdout(&out))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.LState().SetGlobal("SECRET", lua.LString(secret))
	code := `
		assert(os.open == nil, "no descriptor calls without the os module")
		assert(os.execute("echo escaped") == nil, "execute refused")
		assert(os.remove(SECRET) == nil, "remove refused")
		assert(os.rename(SECRET, SECRET .. "2") == nil, "rename refused")
		assert(os.getenv("SAFESH_SECRET") == nil, "getenv refused")
		assert(os.tmpname() == nil, "tmpname refused")
		assert(os.setenv == nil, "no setenv")
		assert(type(os.time()) == "number" and type(os.date()) == "string", "the harmless ones stay")
		os.exit(3)
	`
	err = r.DoString(context.Background(), code, "noos")
	var exit *runtime.ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Fatalf("got %v; want os.exit to end only the script, with status 3", describe(err))
	}
	if _, err := os.Stat(secret); err != nil {
		t.Errorf("the secret is gone: %v", err)
	}
	if strings.Contains(out.String(), "escaped") {
		t.Errorf("a shell ran: %q", out.String())
	}
}

// TestSetuidSafeshIsNoTrampoline: every program that links inherit serves
// as the fallback spawn path's trampoline when started with its argv[0],
// and the trampoline runs a program with IDs and limits of the caller's
// choice. A setuid-root copy of the safesh command, run by another user,
// must refuse that role, or it would hand that user root.
func TestSetuidSafeshIsNoTrampoline(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: a setuid-root copy cannot be made")
	}
	self, err := exec.LookPath("safesh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	host := filepath.Join(dir, "safesh")
	if err := os.WriteFile(host, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(host, 0o755|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	// As nobody: run /usr/bin/id through the trampoline, asking for uid 0.
	cmd := exec.Command(host, "1", "errfd=2;uid=0;gid=0;", "/usr/bin/id", "2", "id", "-u")
	cmd.Args[0] = "safesh-spawn-trampoline"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err == nil || strings.Contains(string(out), "\n0\n") || strings.HasPrefix(string(out), "0\n") || !strings.Contains(string(out), "refuses") {
		t.Fatalf("a setuid safesh as the trampoline: %v\n%s", err, out)
	}
}

// grouped is an isolated runtime whose worker is the safesh command, in
// a control group when inGroup, or a skip where the host can make none.
func grouped(t *testing.T, inGroup bool, iso runtime.Isolation, opts ...runtime.Option) *runtime.Runtime {
	t.Helper()
	worker, err := exec.LookPath("safesh")
	if err != nil {
		t.Fatal(err)
	}
	iso.Worker, iso.Cgroup = worker, inGroup
	r, err := runtime.New(append([]runtime.Option{runtime.WithIsolation(iso), runtime.WithStderr(&strings.Builder{})}, opts...)...)
	if err != nil {
		if inGroup && strings.Contains(err.Error(), "cgroup") {
			t.Skipf("no control group here: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestDaemonDiesWithItsWorkersGroup: a plugin's daemon (its parent gone,
// a session of its own, so no process tree or group kill finds it)
// outlives a crashed worker, unless the worker runs in a control group.
func TestDaemonDiesWithItsWorkersGroup(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip(err)
	}
	daemon := func(inGroup bool) int {
		var pid int
		r := grouped(t, inGroup, runtime.Isolation{MaxMemory: 128 << 20}, runtime.AllowRun(sh),
			runtime.WithFunc("report", func(L *lua.LState) int { pid = L.CheckInt(1); return 0 }))
		err := r.DoString(context.Background(), `
			local subprocess = require("subprocess")
			local out = assert(subprocess.check_output({"`+sh+`", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"}))
			report(tonumber(out))`, "daemon")
		if err != nil || pid <= 0 {
			t.Fatalf("daemon: %v, pid %d", err, pid)
		}
		err = r.DoString(context.Background(), `local t = {} while true do t[#t+1] = string.rep("x", 1e6) .. #t end`, "bomb")
		if !errors.Is(err, runtime.ErrWorker) {
			t.Fatalf("bomb: %v", err)
		}
		return pid
	}
	running := func(pid int) bool {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		return err == nil && !strings.Contains(string(b), ") Z ")
	}
	pid := daemon(false)
	alive := running(pid)
	syscall.Kill(pid, syscall.SIGKILL)
	if !alive {
		t.Fatalf("the control: without a group the daemon %d did not outlive the worker", pid)
	}
	if pid := daemon(true); running(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the daemon %d outlived its worker's group", pid)
	}
}

// TestTmpfsFilesAreChargedToTheGroup: files a plugin writes on a tmpfs it
// may write are memory that RLIMIT_AS does not see; in a control group
// they are charged to it, and the kernel's kill past MaxMemory ends the
// worker with a MaxMemory LimitError.
func TestTmpfsFilesAreChargedToTheGroup(t *testing.T) {
	dir, err := os.MkdirTemp("/dev/shm", "safesh-oom-")
	if err != nil {
		t.Skip("no /dev/shm:", err)
	}
	defer os.RemoveAll(dir)
	fill := `
		local chunk = string.rep("x", 1048576)
		for i = 1, 128 do
			local f = assert(io.open("` + dir + `/f" .. i, "w"))
			assert(f:write(chunk))
			assert(f:close())
		end`
	iso := runtime.Isolation{MaxMemory: 64 << 20}
	if err := grouped(t, false, iso, runtime.AllowWrite(dir)).DoString(context.Background(), fill, "fill"); err != nil {
		t.Fatalf("the control, without a group: %v", err)
	}
	err = grouped(t, true, iso, runtime.AllowWrite(dir)).DoString(context.Background(), fill, "fill")
	var lim *runtime.LimitError
	if !errors.As(err, &lim) || lim.Limit != "MaxMemory" || !strings.Contains(err.Error(), "SIGKILL") {
		t.Fatalf("128 MiB of tmpfs files under a group of 64 MiB: %v; want the kernel's kill as a MaxMemory LimitError", err)
	}
}
