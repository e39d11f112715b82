package runtime

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"syscall"

	"github.com/safesh/safesh/inherit"
	lua "github.com/yuin/gopher-lua"
)

// A runtime made by New with no policy option may use only the
// descriptors its scripts create: no file access, no processes, no
// network, no environment. Each option below grants one thing; a denial
// is an OS error to the script, nil, message, errno (EACCES or EPERM),
// whose message says which policy refused. Unrestricted grants
// everything.

// AllowRead lets scripts read files beneath the directories dirs. The
// kernel confines every path (openat2 with RESOLVE_BENEATH and
// RESOLVE_NO_MAGICLINKS, or os.Root where that is missing): "..",
// absolute symbolic links, and /proc/self/fd links cannot lead out.
// Relative paths are relative to the first directory granted. Grants add
// up whatever their order: a directory granted both by AllowRead and
// AllowWrite is writable, and a writable directory inside a read-only one
// stays writable. The process's own /proc entries (/proc/self,
// /proc/<pid>: its memory, environment and descriptors) are refused even
// under AllowRead("/").
func AllowRead(dirs ...string) Option {
	return granted("AllowRead", dirs, func(c *config) error { return eachDir("AllowRead", dirs, c.grants.AllowRead) })
}

// AllowWrite lets scripts read, create, write, remove and rename files
// beneath the directories dirs, confined as AllowRead's. Temporary files
// (io.tmpfile, os.tmpname) go into the first of them.
func AllowWrite(dirs ...string) Option {
	return granted("AllowWrite", dirs, func(c *config) error { return eachDir("AllowWrite", dirs, c.grants.AllowWrite) })
}

func eachDir(name string, dirs []string, grant func(string) error) error {
	for _, dir := range dirs {
		if err := grant(dir); err != nil {
			return fmt.Errorf("runtime: %s: %w", name, err)
		}
	}
	return nil
}

// AllowRun lets scripts start the programs at the given absolute paths,
// through subprocess, os.execute and io.popen (the last two, and
// shell = true, run /bin/sh, which must then be allowed). A program a
// script names by a relative path, or finds on a PATH, is resolved from
// the child's working directory to the absolute path that is then both
// checked and executed. Allowing a program is trusting it with everything
// it can do: a shell, an interpreter or a program that runs others can run
// anything, and every program runs with the host's privileges (it can read
// /proc/<host pid>/fd/N, the host's files, anything the script was
// refused). Children get the process's environment without LD_PRELOAD,
// BASH_ENV, PYTHONPATH and the other variables that change what a program
// loads or runs (see AllowChildEnv).
func AllowRun(programs ...string) Option {
	return granted("AllowRun", programs, func(c *config) error {
		for _, p := range programs {
			if err := c.grants.AllowRun(p); err != nil {
				return fmt.Errorf("runtime: AllowRun: %w", err)
			}
		}
		return nil
	})
}

// AllowChildEnv lets the named variables, which are otherwise removed from
// a child's environment, reach children: every LD_ and DYLD_ variable,
// glibc's list (GCONV_PATH, ...), the shells' start-up files and options
// (BASH_ENV, ENV, SHELLOPTS, PS4, BASH_FUNC_*, ...), and the interpreters'
// start-up options and module paths (PYTHONPATH, PERL5OPT, RUBYOPT,
// NODE_OPTIONS, LUA_INIT, JAVA_TOOL_OPTIONS, ...). docs/embedding.md has
// the whole list.
func AllowChildEnv(names ...string) Option {
	return granted("AllowChildEnv", names, func(c *config) error {
		for _, n := range names {
			c.grants.AllowChildEnv(n)
		}
		return nil
	})
}

// AllowEnv lets os.getenv read the named variables; "*" allows all.
func AllowEnv(names ...string) Option {
	return granted("AllowEnv", names, func(c *config) error {
		for _, n := range names {
			c.grants.AllowEnv(n)
		}
		return nil
	})
}

// AllowConnect lets scripts connect to (and send datagrams to) the
// addresses matching patterns: "host:port", where host is a name, an
// address ("[::1]" for IPv6), "*", or "*.example.com", and port a number
// or "*". A name matches as the script wrote it, or by the address it
// resolved to; a name that no pattern could match is refused before it
// is looked up.
func AllowConnect(patterns ...string) Option {
	return granted("AllowConnect", patterns, func(c *config) error { return eachPattern(patterns, c.grants.AllowConnect) })
}

// AllowListen lets scripts bind and listen on the addresses matching
// patterns, written as for AllowConnect.
func AllowListen(patterns ...string) Option {
	return granted("AllowListen", patterns, func(c *config) error { return eachPattern(patterns, c.grants.AllowListen) })
}

func eachPattern(patterns []string, grant func(string) error) error {
	for _, p := range patterns {
		if err := grant(p); err != nil {
			return fmt.Errorf("runtime: %w", err)
		}
	}
	return nil
}

// AllowSignals lets scripts use the signal module (require("signal")),
// which a restricted runtime otherwise refuses: handle and ignore the
// process's signals, raise them (signal.raise_signal sends one to the
// host's process, whose default action may end it), and set alarms.
// A handler belongs to its runtime: each runtime that handles a signal
// runs its own handler when the process receives it, and the host's own
// os/signal channels keep receiving it too. Close stops the runtime's
// deliveries. See docs/embedding.md.
func AllowSignals() Option {
	return granted("AllowSignals", nil, func(c *config) error {
		c.grants.AllowSignals()
		return nil
	})
}

// WithFile grants scripts the descriptor of f, as os.grants[name]. The
// runtime uses its own duplicate, so the host keeps f. Unless writable is
// set, the grant is read-only: the runtime reopens f's file read-only
// through /proc/self/fd, so that neither the script nor any child it
// passes the descriptor to can write through it; f must then be a file,
// a directory or a pipe.
func WithFile(name string, f *os.File, writable bool) Option {
	return func(c *config) error {
		if f == nil || name == "" {
			return errors.New("runtime: WithFile: a name and a file are needed")
		}
		c.files = append(c.files, fileGrant{name, f, writable})
		return nil
	}
}

type fileGrant struct {
	name     string
	f        *os.File
	writable bool
}

// LeaveChildrenOnCancel leaves running the children a chunk started when
// its context is cancelled. By default they are killed (SIGKILL; their
// whole group when they run in a new session) before DoString or DoFile
// returns. Close kills what is left after its grace period either way.
func LeaveChildrenOnCancel() Option {
	return func(c *config) error {
		c.leaveChildren = true
		return nil
	}
}

// grantFiles gives the runtime its own descriptors for the WithFile
// grants, as os.grants.
func (r *Runtime) grantFiles() error {
	for _, g := range r.cfg.files {
		fd, err := grantFd(g.f, g.writable)
		if err != nil {
			return fmt.Errorf("runtime: WithFile(%q): %w", g.name, err)
		}
		r.st.Fds.Add(fd, nil)
		if r.st.GrantedFds == nil {
			r.st.GrantedFds = map[string]int{}
		}
		r.st.GrantedFds[g.name] = fd
	}
	return nil
}

// grantFd returns the runtime's own descriptor for a granted file:
// a duplicate, or a read-only reopening.
func grantFd(f *os.File, writable bool) (int, error) {
	sc, err := f.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd, ferr := -1, error(nil)
	err = sc.Control(func(hostFd uintptr) {
		if writable {
			fd, ferr = inherit.Dup(int(hostFd))
			return
		}
		kind, _ := inherit.KindOf(int(hostFd))
		if kind == inherit.KindSocket {
			ferr = errors.New("a socket cannot be granted read-only")
			return
		}
		fd, ferr = inherit.Open("/proc/self/fd/"+strconv.Itoa(int(hostFd)), syscall.O_RDONLY, 0)
	})
	if err != nil {
		return -1, err
	}
	return fd, ferr
}

// WithFunc makes fn a global function of the scripts, named name: the
// host's own API for its plugins.
func WithFunc(name string, fn lua.LGFunction) Option {
	return func(c *config) error {
		if name == "" || fn == nil {
			return errors.New("runtime: WithFunc: a name and a function are needed")
		}
		c.funcs = append(c.funcs, hostFunc{name, fn})
		return nil
	}
}

// WithModule makes loader the loader of the module name, which scripts
// load with require(name). It cannot replace one of safesh's modules.
func WithModule(name string, loader lua.LGFunction) Option {
	return func(c *config) error {
		if name == "" || loader == nil {
			return errors.New("runtime: WithModule: a name and a loader are needed")
		}
		if slicesContains(Modules(), name) {
			return fmt.Errorf("runtime: WithModule: %q is one of safesh's modules", name)
		}
		c.hostModules = append(c.hostModules, hostFunc{name, loader})
		return nil
	}
}

type hostFunc struct {
	name string
	fn   lua.LGFunction
}

// granted records an Allow option's arguments, so that the worker of an
// isolated runtime (WithIsolation) can grant the same.
func granted(name string, args []string, opt Option) Option {
	return func(c *config) error {
		c.allows = append(c.allows, allow{name, slices.Clone(args)})
		return opt(c)
	}
}

// allow is one Allow option, as given.
type allow struct {
	name string
	args []string
}
