package lstate

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// Policy is what an embedding host lets the scripts of a restricted
// runtime do beyond using their own descriptors. The zero Policy grants
// nothing: no file access, no processes, no network, no environment.
type Policy struct {
	// Roots are the directories scripts may reach, and how.
	Roots []*Root
	// Programs are the absolute paths of the programs scripts may start.
	// Allowing a program is trusting it: a shell allowed runs anything.
	Programs map[string]bool
	// ChildEnv are the variables that are otherwise scrubbed from a
	// child's environment (LD_PRELOAD and the like) that may pass.
	ChildEnv map[string]bool
	// Connect and Listen are the "host:port" patterns a script may
	// connect to, and bind or listen on. "*" matches any host or port.
	Connect, Listen []Pattern
	// Getenv are the environment variables os.getenv may read; AllEnv
	// allows all of them.
	Getenv map[string]bool
	AllEnv bool
}

// A Root is a directory a restricted script may use.
type Root struct {
	*inherit.Root
	Path     string // absolute and clean
	Writable bool
}

// A Pattern is an allowed "host:port": Host "*" is any host, Port 0 any
// port.
type Pattern struct {
	Host string
	Port int
}

// ParsePattern parses "host:port", "[v6]:port", "*:port", "host:*".
func ParsePattern(s string) (Pattern, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return Pattern{}, err
	}
	p := Pattern{Host: strings.ToLower(host)}
	if port != "*" {
		if p.Port, err = strconv.Atoi(port); err != nil || p.Port <= 0 || p.Port > 65535 {
			return Pattern{}, errors.New("bad port in " + strconv.Quote(s))
		}
	}
	return p, nil
}

// DeniedError is a refusal by the runtime's policy. It unwraps to its
// errno (EACCES or EPERM), so scripts get nil, message, errno as for any
// OS error, and the message says which policy refused.
type DeniedError struct {
	Op     string
	Target string
	Reason string
	Errno  syscall.Errno
}

func (e *DeniedError) Error() string {
	return e.Op + ": " + e.Target + ": " + e.Errno.Error() + " (" + e.Reason + ")"
}

// Unwrap returns the errno.
func (e *DeniedError) Unwrap() error { return e.Errno }

func denied(op, target, reason string) error {
	return &DeniedError{Op: op, Target: target, Reason: reason, Errno: syscall.EACCES}
}

// resolve finds the root that path lies in and the path relative to it.
// A relative path is relative to the first root, the script's working
// directory.
func (p *Policy) resolve(op, path string) (*Root, string, error) {
	if len(p.Roots) == 0 {
		return nil, "", denied(op, path, "no file access granted")
	}
	if !filepath.IsAbs(path) {
		return p.Roots[0], filepath.Clean(path), nil
	}
	clean := filepath.Clean(path)
	for _, r := range p.Roots {
		if clean == r.Path {
			return r, ".", nil
		}
		if rel, ok := strings.CutPrefix(clean, r.Path+"/"); ok || r.Path == "/" {
			if r.Path == "/" {
				rel = strings.TrimPrefix(clean, "/")
			}
			return r, rel, nil
		}
	}
	return nil, "", denied(op, path, "outside the granted directories")
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

// Open opens path for a script: anywhere in an unrestricted runtime,
// else only beneath a granted directory (and for writing only beneath a
// writable one), with the kernel refusing "..", symbolic links and /proc
// links that lead out. The descriptor is close-on-exec.
func (st *State) Open(path string, flags int, perm uint32) (int, error) {
	if st.Unrestricted {
		return inherit.Open(path, flags, perm)
	}
	r, rel, err := st.Policy.resolve("open", path)
	if err != nil {
		return -1, err
	}
	if writes(flags) && !r.Writable {
		return -1, denied("open", path, "read-only directory")
	}
	fd, err := r.Open(rel, flags, perm)
	if err != nil {
		return -1, escapeErr("open", path, err)
	}
	return fd, nil
}

// Remove removes a file or empty directory for a script.
func (st *State) Remove(path string) error {
	if st.Unrestricted {
		return os.Remove(path)
	}
	r, rel, err := st.Policy.resolve("remove", path)
	if err != nil {
		return err
	}
	if !r.Writable {
		return denied("remove", path, "read-only directory")
	}
	if err := r.Remove(rel); err != nil {
		return escapeErr("remove", path, err)
	}
	return nil
}

// Rename renames a file for a script, within granted writable
// directories.
func (st *State) Rename(from, to string) error {
	if st.Unrestricted {
		return os.Rename(from, to)
	}
	r1, rel1, err := st.Policy.resolve("rename", from)
	if err != nil {
		return err
	}
	r2, rel2, err := st.Policy.resolve("rename", to)
	if err != nil {
		return err
	}
	if !r1.Writable || !r2.Writable {
		return denied("rename", from+" -> "+to, "read-only directory")
	}
	if err := r1.Rename(rel1, r2.Root, rel2); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) && errors.Is(le.Err, syscall.EXDEV) && r1 == r2 {
			return denied("rename", from+" -> "+to, "the path leads outside the granted directory")
		}
		return escapeErr("rename", from+" -> "+to, err)
	}
	return nil
}

// TempDir returns where a script's temporary files go: the system's
// temporary directory, or in a restricted runtime the first writable
// granted directory.
func (st *State) TempDir(op string) (string, error) {
	if st.Unrestricted {
		return os.TempDir(), nil
	}
	for _, r := range st.Policy.Roots {
		if r.Writable {
			return r.Path, nil
		}
	}
	return "", denied(op, "temporary file", "no writable directory granted")
}

// CheckProgram returns nil if a script may start the program at path (as
// found on PATH).
func (st *State) CheckProgram(path string) error {
	if st.Unrestricted {
		return nil
	}
	if len(st.Policy.Programs) == 0 {
		return &DeniedError{Op: "exec", Target: path, Reason: "no programs allowed", Errno: syscall.EPERM}
	}
	abs := path
	if !filepath.IsAbs(abs) {
		var err error
		if abs, err = filepath.Abs(path); err != nil {
			return &DeniedError{Op: "exec", Target: path, Reason: "not an allowed program", Errno: syscall.EPERM}
		}
	}
	if !st.Policy.Programs[filepath.Clean(abs)] {
		return &DeniedError{Op: "exec", Target: path, Reason: "not an allowed program", Errno: syscall.EPERM}
	}
	return nil
}

// unsafeEnv are the variables the dynamic loader and libc trust to change
// what a program loads or reads (glibc's unsecvars.h), scrubbed from a
// restricted runtime's children; every LD_ and DYLD_ variable goes too.
var unsafeEnv = map[string]bool{
	"GCONV_PATH": true, "GETCONF_DIR": true, "GLIBC_TUNABLES": true, "HOSTALIASES": true,
	"LOCALDOMAIN": true, "LOCPATH": true, "MALLOC_TRACE": true, "NIS_PATH": true,
	"NLSPATH": true, "RESOLV_HOST_CONF": true, "RES_OPTIONS": true, "TMPDIR": true, "TZDIR": true,
}

// ChildEnv returns the environment for a child: env, or the process's own
// when env is nil; in a restricted runtime without the variables that
// make a program load or read what its parent chose (LD_PRELOAD, ...),
// unless the host allowed them.
func (st *State) ChildEnv(env []string) []string {
	if st.Unrestricted {
		return env
	}
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		risky := unsafeEnv[name] || strings.HasPrefix(name, "LD_") || strings.HasPrefix(name, "DYLD_")
		if risky && !st.Policy.ChildEnv[name] {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Getenv reads an environment variable for a script: in a restricted
// runtime only those the host allowed.
func (st *State) Getenv(name string) (string, bool) {
	if !st.Unrestricted && !st.Policy.AllEnv && !st.Policy.Getenv[name] {
		return "", false
	}
	return os.LookupEnv(name)
}

// match reports whether host (a name as the script gave it, or an
// address) and port match one of patterns.
func match(patterns []Pattern, host string, ip net.IP, port int) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range patterns {
		if p.Port != 0 && p.Port != port {
			continue
		}
		switch {
		case p.Host == "*":
			return true
		case p.Host == host:
			return true
		case ip != nil && net.ParseIP(p.Host) != nil && net.ParseIP(p.Host).Equal(ip):
			return true
		case strings.HasPrefix(p.Host, "*.") && strings.HasSuffix(host, p.Host[1:]):
			return true
		}
	}
	return false
}

// CheckConnect returns nil if a script may connect (or send datagrams) to
// host:port; ip is the address it resolved to, if any.
func (st *State) CheckConnect(host string, ip net.IP, port int) error {
	if st.Unrestricted || match(st.Policy.Connect, host, ip, port) {
		return nil
	}
	return &DeniedError{Op: "connect", Target: net.JoinHostPort(host, strconv.Itoa(port)), Reason: "network access not granted", Errno: syscall.EACCES}
}

// MayResolve returns nil if a script may look up the name host to
// connect to it (or to bind to it, when op is "bind") on port. In a
// restricted runtime a name is looked up only when a pattern could allow
// it: one that matches the name itself, or one that is an address, which
// the name's addresses must be compared with. Any other name is refused
// before a query leaves the machine: a query for a name the script made
// up would tell a name server whatever the script put in it.
func (st *State) MayResolve(op, host string, port int) error {
	if st.Unrestricted {
		return nil
	}
	patterns, check := st.Policy.Connect, st.CheckConnect
	if op == "bind" {
		patterns, check = st.Policy.Listen, st.CheckListen
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

// CheckListen returns nil if a script may bind to host:port.
func (st *State) CheckListen(host string, ip net.IP, port int) error {
	if st.Unrestricted || match(st.Policy.Listen, host, ip, port) {
		return nil
	}
	return &DeniedError{Op: "bind", Target: net.JoinHostPort(host, strconv.Itoa(port)), Reason: "listening not granted", Errno: syscall.EACCES}
}

// UnixPath returns the path to bind or connect a unix socket at, for a
// script: path itself in an unrestricted runtime; in a restricted one,
// only beneath a writable granted directory (a socket is a file), reached
// through a descriptor of its directory that was opened beneath the root,
// so that symbolic links cannot lead the bind or connect elsewhere. Call
// release when done with the path.
func (st *State) UnixPath(op, path string) (safe string, release func(), err error) {
	if st.Unrestricted {
		return path, func() {}, nil
	}
	if path == "" || path[0] == 0 || path[0] == '@' {
		return "", nil, denied(op, path, "abstract unix sockets not granted")
	}
	r, rel, err := st.Policy.resolve(op, path)
	if err != nil {
		return "", nil, err
	}
	if !r.Writable {
		return "", nil, denied(op, path, "read-only directory")
	}
	dir, base := filepath.Split(rel)
	if base == "" || base == "." || base == ".." {
		return "", nil, denied(op, path, "not a socket path")
	}
	if dir == "" {
		dir = "."
	}
	dfd, err := r.Open(dir, syscall.O_RDONLY|oDirectory, 0)
	if err != nil {
		return "", nil, escapeErr(op, path, err)
	}
	return "/proc/self/fd/" + strconv.Itoa(dfd) + "/" + base, func() { inherit.Close(dfd) }, nil
}

// tempRoot returns the first writable granted directory.
func (st *State) tempRoot(op string) (*Root, error) {
	for _, r := range st.Policy.Roots {
		if r.Writable {
			return r, nil
		}
	}
	return nil, denied(op, "temporary file", "no writable directory granted")
}

// OpenTmpfile creates an unnamed temporary file for io.tmpfile: in the
// system's temporary directory, or in a restricted runtime in the first
// writable granted directory.
func (st *State) OpenTmpfile() (int, error) {
	if st.Unrestricted {
		return inherit.OpenTmpfile(os.TempDir())
	}
	r, err := st.tempRoot("tmpfile")
	if err != nil {
		return -1, err
	}
	if fd, err := r.Open(".", oTmpfile|syscall.O_RDWR, 0o600); err == nil {
		return fd, nil
	}
	fd, name, err := st.createTemp(r, "safesh-tmp-")
	if err != nil {
		return -1, err
	}
	r.Remove(name)
	return fd, nil
}

// CreateTemp creates a new file exclusively for os.tmpname, and returns
// its descriptor and the name a script uses for it.
func (st *State) CreateTemp(prefix string) (int, string, error) {
	if st.Unrestricted {
		return inherit.CreateTemp(os.TempDir(), prefix)
	}
	r, err := st.tempRoot("tmpname")
	if err != nil {
		return -1, "", err
	}
	fd, name, err := st.createTemp(r, prefix)
	if err != nil {
		return -1, "", err
	}
	return fd, filepath.Join(r.Path, name), nil
}

func (st *State) createTemp(r *Root, prefix string) (int, string, error) {
	for i := 0; ; i++ {
		name := prefix + strconv.FormatUint(uint64(randUint32()), 36)
		fd, err := r.Open(name, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL, 0o600)
		if err == nil {
			return fd, name, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 100 {
			return -1, "", escapeErr("open", filepath.Join(r.Path, name), err)
		}
	}
}

// ClosePolicy releases the granted directories.
func (st *State) ClosePolicy() {
	for _, r := range st.Policy.Roots {
		r.Close()
	}
	st.Policy.Roots = nil
}
