package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// Grants is the policy of a restricted runtime: what its host granted,
// and nothing else. The zero Grants (or NewGrants) grants nothing: no file
// access, no processes, no network, no environment, no descriptor but the
// runtime's own. The Allow methods add grants; they are not safe to call
// once the runtime runs.
type Grants struct {
	roots    []*root
	programs map[string]bool
	childEnv map[string]bool
	getenv   map[string]bool
	allEnv   bool
	connect  []Pattern
	listen   []Pattern
	signals  bool                   // AllowSignals
	cwd      atomic.Pointer[string] // the scripts' working directory (Chdir); nil: the first root
}

// A root is a granted directory.
type root struct {
	*inherit.Root
	path     string // absolute and clean
	writable bool
	proc     bool // a procfs is mounted beneath it: opens check OwnProcEntry
}

// AllowSignals lets scripts use the signal module: handle, ignore and
// raise the process's signals.
func (g *Grants) AllowSignals() { g.signals = true }

// NewGrants returns a policy that grants nothing yet.
func NewGrants() *Grants { return &Grants{} }

// AllowRead lets scripts read files beneath dir, which is opened now. The
// kernel confines every path (see inherit.Root). Relative paths are
// relative to the first directory granted.
func (g *Grants) AllowRead(dir string) error { return g.addRoot(dir, false) }

// AllowWrite lets scripts read, create, change and remove files beneath
// dir, confined as AllowRead's. Temporary files go into the first
// writable directory granted.
func (g *Grants) AllowWrite(dir string) error { return g.addRoot(dir, true) }

// addRoot grants dir. Grants add up, whatever their order: granting a
// directory both ways makes it writable.
func (g *Grants) addRoot(dir string, writable bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%q: %w", dir, err)
	}
	for _, r := range g.roots {
		if r.path == abs {
			r.writable = r.writable || writable
			return nil
		}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", abs)
	}
	ir, err := inherit.OpenRoot(abs)
	if err != nil {
		return err
	}
	proc := inherit.ProcBeneath(abs)
	if proc {
		ir.SetCheck(refuseOwnProc) // for the calls of fs_grants.go
	}
	g.roots = append(g.roots, &root{Root: ir, path: abs, writable: writable, proc: proc})
	return nil
}

// AllowRun lets scripts start the program at the absolute path program.
func (g *Grants) AllowRun(program string) error {
	if !filepath.IsAbs(program) {
		return fmt.Errorf("%q is not an absolute path", program)
	}
	if g.programs == nil {
		g.programs = map[string]bool{}
	}
	g.programs[filepath.Clean(program)] = true
	return nil
}

// AllowChildEnv lets the variable name, otherwise scrubbed from a child's
// environment (see ChildEnv), reach children.
func (g *Grants) AllowChildEnv(name string) {
	if g.childEnv == nil {
		g.childEnv = map[string]bool{}
	}
	g.childEnv[name] = true
}

// AllowEnv lets scripts read the environment variable name; "*" allows
// all of them.
func (g *Grants) AllowEnv(name string) {
	if name == "*" {
		g.allEnv = true
		return
	}
	if g.getenv == nil {
		g.getenv = map[string]bool{}
	}
	g.getenv[name] = true
}

// AllowConnect lets scripts connect to addresses matching pattern (see
// ParsePattern).
func (g *Grants) AllowConnect(pattern string) error { return addPattern(&g.connect, pattern) }

// AllowListen lets scripts bind and listen on addresses matching pattern.
func (g *Grants) AllowListen(pattern string) error { return addPattern(&g.listen, pattern) }

func addPattern(dst *[]Pattern, s string) error {
	p, err := ParsePattern(s)
	if err != nil {
		return fmt.Errorf("bad address pattern %q: %w", s, err)
	}
	*dst = append(*dst, p)
	return nil
}

// Unrestricted reports false: a Grants allows only what it lists.
func (g *Grants) Unrestricted() bool { return false }

// resolve finds the root that path lies in and the path relative to it.
// A relative path is relative to the scripts' working directory (see
// Chdir), at first the first root. Of the roots that hold path, the deepest is used, and for a
// change (write) only a writable one: grants add up, whatever their order.
func (g *Grants) resolve(op, path string, write bool) (*root, string, error) {
	if len(g.roots) == 0 {
		return nil, "", denied(op, path, "no file access granted")
	}
	abs := filepath.Clean(path)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(g.workdir(), abs)
	}
	var best *root
	readOnly := false
	for _, r := range g.roots {
		if abs != r.path && r.path != "/" && !strings.HasPrefix(abs, r.path+"/") {
			continue
		}
		if write && !r.writable {
			readOnly = true
			continue
		}
		if best == nil || len(r.path) > len(best.path) {
			best = r
		}
	}
	switch {
	case best != nil:
	case readOnly:
		return nil, "", denied(op, path, "read-only directory")
	default:
		return nil, "", denied(op, path, "outside the granted directories")
	}
	rel, err := filepath.Rel(best.path, abs)
	if err != nil {
		return nil, "", denied(op, path, "outside the granted directories")
	}
	return best, rel, nil
}

// escapeErr turns a refusal to leave a root (the kernel's EXDEV, or
// os.Root's "path escapes from parent") into a denial, and names the
// script's own path in other errors.
func escapeErr(op, path string, err error) error {
	if errors.Is(err, syscall.EXDEV) || strings.Contains(err.Error(), "escapes from parent") {
		return denied(op, path, "the path leads outside the granted directory")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: path, Err: pe.Err}
	}
	return err
}

func writes(flags int) bool {
	return flags&(syscall.O_WRONLY|syscall.O_RDWR|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_APPEND) != 0
}

// FilePerm returns the permission bits a restricted runtime gives a file
// or directory it creates or changes: perm without set-uid, set-gid and
// sticky, so that a script cannot leave a set-uid program behind, or a
// directory whose new files take its group. Every Grants method that
// creates a file, or sets a mode, passes its mode through FilePerm.
func (*Grants) FilePerm(perm uint32) uint32 {
	return perm &^ (syscall.S_ISUID | syscall.S_ISGID | syscall.S_ISVTX)
}

// Open opens path beneath a granted directory (for writing, a writable
// one), with the kernel refusing "..", symbolic links and /proc links
// that lead out. The descriptor is close-on-exec. A file it creates gets
// perm without its set-uid, set-gid and sticky bits (see FilePerm). The
// process's own /proc entries (/proc/self, /proc/<pid>: its memory, its
// environment, its descriptors) are refused even where a granted
// directory holds them, AllowRead("/") or AllowRead("/proc"), however
// the path reaches them.
func (g *Grants) Open(path string, flags int, perm uint32) (int, error) {
	r, rel, err := g.resolve("open", path, writes(flags))
	if err != nil {
		return -1, err
	}
	fd, err := r.Open(rel, flags, g.FilePerm(perm))
	if err != nil {
		return -1, escapeErr("open", path, err)
	}
	if r.proc && inherit.OwnProcEntry(fd) {
		inherit.Close(fd)
		return -1, denied("open", path, "the process's own /proc entries")
	}
	return fd, nil
}

// Remove removes a file or empty directory beneath a writable granted
// directory.
func (g *Grants) Remove(path string) error {
	r, rel, err := g.resolve("remove", path, true)
	if err != nil {
		return err
	}
	if err := r.Remove(rel); err != nil {
		return escapeErr("remove", path, err)
	}
	return nil
}

// Rename renames a file within writable granted directories.
func (g *Grants) Rename(from, to string) error {
	r1, rel1, err := g.resolve("rename", from, true)
	if err != nil {
		return err
	}
	r2, rel2, err := g.resolve("rename", to, true)
	if err != nil {
		return err
	}
	if err := r1.Rename(rel1, r2.Root, rel2); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) && errors.Is(le.Err, syscall.EXDEV) && r1 == r2 {
			return denied("rename", from+" -> "+to, "the path leads outside the granted directory")
		}
		if le != nil && errors.Is(le.Err, syscall.EXDEV) {
			// renameat itself, between two granted directories: they
			// are on different file systems (shutil.move then copies).
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EXDEV}
		}
		return escapeErr("rename", from+" -> "+to, err)
	}
	return nil
}

// tempRoot returns the first writable granted directory.
func (g *Grants) tempRoot(op string) (*root, error) {
	for _, r := range g.roots {
		if r.writable {
			return r, nil
		}
	}
	return nil, denied(op, "temporary file", "no writable directory granted")
}

// OpenTmpfile creates an unnamed temporary file in the first writable
// granted directory.
func (g *Grants) OpenTmpfile() (int, error) {
	r, err := g.tempRoot("tmpfile")
	if err != nil {
		return -1, err
	}
	fd, err := r.OpenTmpfile()
	if err != nil {
		return -1, escapeErr("tmpfile", r.path, err)
	}
	return fd, nil
}

// CreateTemp creates a new file exclusively in the first writable granted
// directory, and returns its descriptor and absolute name.
func (g *Grants) CreateTemp(prefix string) (int, string, error) {
	r, err := g.tempRoot("tmpname")
	if err != nil {
		return -1, "", err
	}
	fd, name, err := r.CreateTemp(prefix)
	if err != nil {
		return -1, "", escapeErr("open", r.path, err)
	}
	return fd, filepath.Join(r.path, name), nil
}

// Program allows the programs granted by AllowRun, by absolute path.
// Allowing a program is trusting it: a shell allowed runs anything.
func (g *Grants) Program(path string) error {
	if len(g.programs) == 0 {
		return &DeniedError{Op: "exec", Target: path, Reason: "no programs allowed", Errno: syscall.EPERM}
	}
	if !filepath.IsAbs(path) || !g.programs[filepath.Clean(path)] {
		return &DeniedError{Op: "exec", Target: path, Reason: "not an allowed program", Errno: syscall.EPERM}
	}
	return nil
}

// unsafeEnv are the variables that make a program load, read or run what
// the parent chose rather than what it was built to: the dynamic loader's
// and libc's (glibc's unsecvars.h), and the start-up hooks and module
// paths of the shells and interpreters a host commonly allows. They are
// scrubbed from a restricted runtime's children, with every variable
// that begins with one of unsafeEnvPrefixes.
var unsafeEnv = map[string]bool{
	// glibc's unsecvars.h
	"GCONV_PATH": true, "GETCONF_DIR": true, "GLIBC_TUNABLES": true, "HOSTALIASES": true,
	"LOCALDOMAIN": true, "LOCPATH": true, "MALLOC_TRACE": true, "NIS_PATH": true,
	"NLSPATH": true, "RESOLV_HOST_CONF": true, "RES_OPTIONS": true, "TMPDIR": true, "TZDIR": true,
	// shells: files sourced at start-up, options, the xtrace prompt
	// (expanded, so it runs command substitutions), the field separator
	"BASH_ENV": true, "ENV": true, "SHELLOPTS": true, "BASHOPTS": true, "PS4": true, "IFS": true,
	// interpreters: options and code run at start-up, module search paths
	"PYTHONPATH": true, "PYTHONHOME": true, "PYTHONSTARTUP": true, "PYTHONINSPECT": true,
	"PYTHONUSERBASE": true, "PYTHONWARNINGS": true, "PYTHONBREAKPOINT": true, "PYTHONEXECUTABLE": true,
	"PERL5OPT": true, "PERL5LIB": true, "PERLLIB": true, "PERL5DB": true,
	"RUBYOPT": true, "RUBYLIB": true,
	"NODE_OPTIONS": true, "NODE_PATH": true,
	"JAVA_TOOL_OPTIONS": true, "_JAVA_OPTIONS": true, "JDK_JAVA_OPTIONS": true,
}

// unsafeEnvPrefixes are prefixes of variables scrubbed like unsafeEnv's:
// the dynamic loaders' (LD_PRELOAD, DYLD_INSERT_LIBRARIES, ...), bash's
// exported functions (BASH_FUNC_name%%), and Lua's start-up code and
// module paths, in all their versioned forms (LUA_INIT_5_1, ...).
var unsafeEnvPrefixes = []string{"LD_", "DYLD_", "BASH_FUNC_", "LUA_INIT", "LUA_PATH", "LUA_CPATH"}

// unsafeEnvName reports whether a restricted runtime scrubs the variable name
// from its children's environment unless the host allows it (see
// ChildEnv).
func unsafeEnvName(name string) bool {
	if unsafeEnv[name] {
		return true
	}
	for _, p := range unsafeEnvPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// ChildDir starts children, once a script has changed directory (Chdir
// changes the scripts' directory, not the process's), in the scripts'
// directory, and a relative dir beneath it. Until then they start where
// the host's process is, as before.
func (g *Grants) ChildDir(dir string) string {
	wd := g.cwd.Load()
	if wd == nil || filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(*wd, dir)
}

// ChildEnv returns env, or the process's own environment when env is nil,
// without the variables that make a program load, read or run what its
// parent chose (LD_PRELOAD, BASH_ENV, PYTHONPATH, ...: see unsafeEnv),
// unless the host allowed them.
func (g *Grants) ChildEnv(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if unsafeEnvName(name) && !g.childEnv[name] {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Getenv reads only the variables the host allowed.
func (g *Grants) Getenv(name string) (string, bool) {
	if !g.allEnv && !g.getenv[name] {
		return "", false
	}
	return os.LookupEnv(name)
}

// Connect allows what AllowConnect granted.
func (g *Grants) Connect(host string, ip net.IP, port int) error {
	if match(g.connect, host, ip, port) {
		return nil
	}
	return &DeniedError{Op: "connect", Target: net.JoinHostPort(host, strconv.Itoa(port)), Reason: "network access not granted", Errno: syscall.EACCES}
}

// Listen allows what AllowListen granted.
func (g *Grants) Listen(host string, ip net.IP, port int) error {
	if match(g.listen, host, ip, port) {
		return nil
	}
	return &DeniedError{Op: "bind", Target: net.JoinHostPort(host, strconv.Itoa(port)), Reason: "listening not granted", Errno: syscall.EACCES}
}

// MayResolve looks a name up only when a pattern could allow it: one that
// matches the name itself, or one that is an address, which the name's
// addresses must be compared with. Any other name is refused before a
// query leaves the machine: a query for a name the script made up would
// tell a name server whatever the script put in it.
func (g *Grants) MayResolve(op, host string, port int) error {
	patterns, check := g.connect, g.Connect
	if op == "bind" {
		patterns, check = g.listen, g.Listen
	}
	if match(patterns, host, nil, port) {
		return nil
	}
	for _, p := range patterns {
		if (p.Port == 0 || p.Port == port) && net.ParseIP(p.Host) != nil {
			return nil
		}
	}
	return check(host, nil, port)
}

// UseFd allows only the runtime's own descriptors; any other number gives
// EBADF, as if it were not open, so that a script cannot even learn which
// numbers the host uses.
func (g *Grants) UseFd(fd int, owned bool, op string) error {
	if owned {
		return nil
	}
	return os.NewSyscallError(op, syscall.EBADF)
}

// SeeFd shows only the runtime's own descriptors.
func (g *Grants) SeeFd(fd int, owned bool) bool { return owned }

// InheritedFds gives a child only the runtime's own inheritable
// descriptors: never the host's, nor another runtime's, whatever their
// flags.
func (g *Grants) InheritedFds(owned []int) ([]int, bool) {
	var fds []int
	for _, fd := range owned {
		if inheritable, err := inherit.Inheritable(fd); err == nil && inheritable {
			fds = append(fds, fd)
		}
	}
	return fds, false
}

// Close releases the granted directories.
func (g *Grants) Close() error {
	var errs []error
	for _, r := range g.roots {
		errs = append(errs, r.Close())
	}
	g.roots = nil
	return errors.Join(errs...)
}
