package cgroup

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
)

// Group is a control group that New made: one directory in each
// hierarchy it uses, all holding the same processes.
type Group struct {
	dirs   []string // the group's directories; dirs[0] lists its members
	v2     string   // its directory in the v2 hierarchy, or ""
	memory string   // the directory of the one with the memory controller, or ""
	memV2  bool     // whether that one is v2
}

// made counts the groups this process has made, for their names.
var made atomic.Uint64

// emptyWait is how long Kill waits for the group's processes to be gone,
// and Remove for the kernel to let its directories go.
const emptyWait = 2 * time.Second

// New makes a group under the calling process's own groups, named
// safesh-PID-N, with the limits lim; no process is in it until Add.
// Each controller that lim needs comes from the v2 hierarchy if the
// caller's group there has it, else from the v1 hierarchy that has it;
// the group is made in the v2 hierarchy as well whenever it can be.
func New(lim Limits) (*Group, error) {
	if lim.Memory < 0 || lim.Tasks < 0 {
		return nil, errors.New("cgroup: negative limit")
	}
	v2mount, v1mounts, err := readMounts()
	if err != nil {
		return nil, err
	}
	own2, own1, err := readOwn()
	if err != nil {
		return nil, err
	}
	var base2 string
	if v2mount != nil && own2 != "" {
		base2, _ = v2mount.dir(own2)
	}
	var need []string
	if lim.Memory > 0 {
		need = append(need, "memory")
	}
	if lim.Tasks > 0 {
		need = append(need, "pids")
	}
	var in2 []string                      // the controllers taken from v2
	var bases1 []string                   // the v1 parents, in order
	controllers1 := map[string][]string{} // a v1 parent's controllers
	have2 := map[string]bool{}
	if base2 != "" {
		if b, err := inherit.ReadFile(base2 + "/cgroup.controllers"); err == nil {
			for _, c := range strings.Fields(string(b)) {
				have2[c] = true
			}
		}
	}
	for _, c := range need {
		if have2[c] {
			in2 = append(in2, c)
			continue
		}
		base, ok := "", false
		if m, found := v1mounts[c]; found && own1[c] != "" {
			base, ok = m.dir(own1[c])
		}
		if !ok {
			return nil, fmt.Errorf("cgroup: no %s controller for this process, in cgroup v2 or v1", c)
		}
		if controllers1[base] == nil {
			bases1 = append(bases1, base)
		}
		controllers1[base] = append(controllers1[base], c)
	}
	if base2 == "" && len(bases1) == 0 {
		// No controller is needed, and there is no v2 hierarchy: any v1
		// one tells the members and kills them.
		for _, c := range []string{"pids", "memory", "freezer", "cpu"} {
			if m, found := v1mounts[c]; found && own1[c] != "" {
				if base, ok := m.dir(own1[c]); ok {
					bases1 = append(bases1, base)
					break
				}
			}
		}
		if len(bases1) == 0 {
			return nil, errors.New("cgroup: no cgroup hierarchy is mounted for this process")
		}
	}

	name := fmt.Sprintf("safesh-%d-%d", os.Getpid(), made.Add(1))
	g := &Group{}
	fail := func(err error) (*Group, error) {
		g.Remove()
		return nil, err
	}
	if base2 != "" {
		if len(in2) > 0 {
			if err := enable(base2, in2); err != nil {
				return nil, err
			}
		}
		dir := base2 + "/" + name
		switch err := mkdir(dir); {
		case err == nil:
			g.v2 = dir
			g.dirs = append(g.dirs, dir)
		case len(in2) > 0 || len(bases1) == 0:
			return nil, err
		}
		// else the v1 hierarchies do the work, and v2's kill is missed.
	}
	for _, base := range bases1 {
		dir := base + "/" + name
		if err := mkdir(dir); err != nil {
			return fail(err)
		}
		g.dirs = append(g.dirs, dir)
		for _, c := range controllers1[base] {
			if c == "memory" {
				g.memory = dir
			}
		}
	}
	for _, c := range in2 {
		if c == "memory" {
			g.memory, g.memV2 = g.v2, true
		}
	}
	if lim.Memory > 0 {
		if err := g.limitMemory(lim.Memory); err != nil {
			return fail(err)
		}
	}
	if lim.Tasks > 0 {
		dir := g.v2
		for _, base := range bases1 {
			for _, c := range controllers1[base] {
				if c == "pids" {
					dir = base + "/" + name
				}
			}
		}
		if err := writeFile(dir+"/pids.max", strconv.Itoa(lim.Tasks)); err != nil {
			return fail(err)
		}
	}
	return g, nil
}

// limitMemory sets the memory limit, and no swap where the kernel has
// a file for it.
func (g *Group) limitMemory(n int64) error {
	limit, swap := "/memory.limit_in_bytes", "/memory.memsw.limit_in_bytes"
	swapValue := strconv.FormatInt(n, 10) // v1's is memory and swap together
	if g.memV2 {
		limit, swap, swapValue = "/memory.max", "/memory.swap.max", "0"
	}
	if err := writeFile(g.memory+limit, strconv.FormatInt(n, 10)); err != nil {
		return err
	}
	if err := writeFile(g.memory+swap, swapValue); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// enable makes the controllers available to the children of the v2
// group at base.
func enable(base string, controllers []string) error {
	b, err := inherit.ReadFile(base + "/cgroup.subtree_control")
	if err != nil {
		return err
	}
	on := map[string]bool{}
	for _, c := range strings.Fields(string(b)) {
		on[c] = true
	}
	var add []string
	for _, c := range controllers {
		if !on[c] {
			add = append(add, "+"+c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	if err := writeFile(base+"/cgroup.subtree_control", strings.Join(add, " ")); err != nil {
		return fmt.Errorf("cgroup: %s is not enabled for this process's group's children, and cannot be (a group with processes of its own cannot enable it; delegate a group whose children may have it): %w", strings.Join(controllers, " and "), err)
	}
	return nil
}

// Add puts process pid, with all its threads, in the group; the
// processes it starts from then on are in it too.
func (g *Group) Add(pid int) error {
	for _, dir := range g.dirs {
		if err := writeFile(dir+"/cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// Members returns the processes in the group.
func (g *Group) Members() ([]int, error) {
	if len(g.dirs) == 0 {
		return nil, nil
	}
	b, err := inherit.ReadFile(g.dirs[0] + "/cgroup.procs")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// OOMKills returns how many processes of the group the kernel has killed
// for going over its memory limit.
func (g *Group) OOMKills() int {
	if g.memory == "" {
		return 0
	}
	file := "/memory.oom_control"
	if g.memV2 {
		file = "/memory.events"
	}
	b, err := inherit.ReadFile(g.memory + file)
	if err != nil {
		return 0
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), " "); ok && k == "oom_kill" {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// Kill kills every process in the group (cgroup.kill where v2 has it,
// else SIGKILL to each member until none is left) and waits, for up to
// two seconds, until they are gone.
func (g *Group) Kill() error {
	if len(g.dirs) == 0 {
		return nil
	}
	viaKill := g.v2 != "" && writeFile(g.v2+"/cgroup.kill", "1") == nil
	deadline := time.Now().Add(emptyWait)
	for {
		pids, err := g.Members()
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup: %s: %d processes still in the group after %v", g.dirs[0], len(pids), emptyWait)
		}
		if !viaKill {
			for _, pid := range pids {
				inherit.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// Remove kills what is left in the group, and removes its directories.
func (g *Group) Remove() error {
	err := g.Kill()
	for i := len(g.dirs) - 1; i >= 0; i-- {
		dir := g.dirs[i]
		deadline := time.Now().Add(emptyWait)
		for {
			e := syscall.Rmdir(dir)
			if e == nil || e == syscall.ENOENT {
				break
			}
			if e != syscall.EBUSY || time.Now().After(deadline) {
				if err == nil {
					err = &fs.PathError{Op: "rmdir", Path: dir, Err: e}
				}
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	g.dirs = nil
	return err
}

// mount is where a hierarchy is mounted, and which of its groups is
// at the mount point.
type mount struct{ root, point string }

// dir is the directory of the hierarchy's group path, if the mount
// shows it.
func (m mount) dir(path string) (string, bool) {
	switch {
	case m.root == "/":
		return strings.TrimSuffix(m.point+path, "/"), true
	case path == m.root:
		return m.point, true
	case strings.HasPrefix(path, m.root+"/"):
		return m.point + path[len(m.root):], true
	}
	return "", false
}

// readMounts finds the v2 hierarchy's mount and each v1 controller's.
func readMounts() (*mount, map[string]mount, error) {
	mounts, err := inherit.Mounts()
	if err != nil {
		return nil, nil, err
	}
	var v2 *mount
	v1 := map[string]mount{}
	for _, mi := range mounts {
		m := mount{root: mi.Root, point: mi.Point}
		switch mi.Type {
		case "cgroup2":
			if v2 == nil {
				v2 = &m
			}
		case "cgroup":
			for _, c := range strings.Split(mi.Super, ",") {
				if _, seen := v1[c]; !seen && c != "rw" && c != "ro" && !strings.Contains(c, "=") {
					v1[c] = m
				}
			}
		}
	}
	return v2, v1, nil
}

// readOwn reads the calling process's groups: its v2 path, and its v1
// path for each controller.
func readOwn() (string, map[string]string, error) {
	b, err := inherit.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", nil, err
	}
	var v2 string
	v1 := map[string]string{}
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		// hierarchy-ID:controllers:path
		parts := strings.SplitN(s.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			v1[c] = parts[2]
		}
	}
	return v2, v1, nil
}

// mkdir makes a group's directory.
func mkdir(dir string) error {
	if err := syscall.Mkdir(dir, 0o755); err != nil {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// writeFile writes s to a cgroup's file in one write, as the kernel
// wants it.
func writeFile(path, s string) error {
	fd, err := inherit.Open(path, syscall.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer inherit.Close(fd)
	if _, err := inherit.Write(fd, []byte(s)); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: errors.Unwrap(err)}
	}
	return nil
}
