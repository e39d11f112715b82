package spawn

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/state"
	lua "github.com/yuin/gopher-lua"
)

// ChildOptions are the options of a child's process image that every way
// a script starts one takes (subprocess's functions, io.popen,
// os.execute): where it starts, its environment, its group and session,
// its umask, limits, parent-death signal, signal dispositions and user.
var ChildOptions = []string{"cwd", "env", "env_extra", "process_group", "start_new_session",
	"umask", "rlimits", "pdeathsig", "restore_signals", "user", "group", "extra_groups"}

// ParseChildOptions reads ChildOptions from opts, the options table at
// stack index optn, into s; misuse raises a bad argument error.
func ParseChildOptions(L *lua.LState, st *state.State, optn int, opts *lua.LTable, s *Spec) {
	bad := func(msg string) { luaargs.ArgError(L, optn, msg) }
	s.NewSession = luaargs.OptBoolField(L, opts, optn, "start_new_session", false)
	s.KeepSignals = !luaargs.OptBoolField(L, opts, optn, "restore_signals", true)
	if v := opts.RawGetString("cwd"); v != lua.LNil {
		cwd, ok := v.(lua.LString)
		if !ok {
			bad("cwd: string expected, got " + v.Type().String())
		}
		s.Dir = string(cwd)
	}
	if v := opts.RawGetString("env"); v != lua.LNil {
		s.Env = luaargs.CheckEnv(L, optn, "env", v)
	}
	if v := opts.RawGetString("env_extra"); v != lua.LNil {
		// Merged over env, or over the environment the script sees.
		extra := luaargs.CheckEnv(L, optn, "env_extra", v)
		base := s.Env
		if base == nil {
			base = st.Policy.Environ()
		}
		s.Env = mergeEnv(base, extra)
	}
	if v := opts.RawGetString("process_group"); v != lua.LNil {
		n, ok := v.(lua.LNumber)
		if !ok || n < 0 || float64(n) != float64(int(n)) {
			bad("process_group: 0 or a process group id expected")
		}
		g := int(n)
		s.ProcessGroup = &g
	}
	if v := opts.RawGetString("umask"); v != lua.LNil {
		mask := -1
		switch v := v.(type) {
		case lua.LNumber:
			if float64(v) == float64(int(v)) {
				mask = int(v)
			}
		case lua.LString: // Lua has no octal literals: "022"
			if m, err := strconv.ParseUint(strings.TrimPrefix(string(v), "0o"), 8, 16); err == nil {
				mask = int(m)
			}
		}
		if mask < 0 || mask > 0o777 {
			bad("umask: a mask from 0 to 511 (0o777), or an octal string such as \"022\", expected, got " + lua.LVAsString(v))
		}
		s.Umask = &mask
	}
	if v := opts.RawGetString("rlimits"); v != lua.LNil {
		s.Rlimits = checkRlimits(L, optn, v)
	}
	if v := opts.RawGetString("pdeathsig"); v != lua.LNil {
		sig, ok := luaargs.SignalOf(v)
		if !ok {
			bad("pdeathsig: a signal number or name expected, got " + lua.LVAsString(v))
		}
		s.Pdeathsig = sig
	}
	s.User = checkIdentity(L, optn, "user", opts.RawGetString("user"))
	s.Group = checkIdentity(L, optn, "group", opts.RawGetString("group"))
	if v := opts.RawGetString("extra_groups"); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			bad("extra_groups: array of group names or ids expected, got " + v.Type().String())
		}
		s.SetExtraGroups = true
		for i := 1; i <= t.Len(); i++ {
			s.ExtraGroups = append(s.ExtraGroups, checkIdentity(L, optn, fmt.Sprintf("extra_groups[%d]", i), t.RawGetInt(i)))
		}
	}
}

// checkIdentity reads a user or group: a name, or an id (as decimal).
func checkIdentity(L *lua.LState, optn int, what string, v lua.LValue) string {
	switch v := v.(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		if v != "" && !strings.ContainsAny(string(v), ":\x00\n") {
			return string(v)
		}
	case lua.LNumber:
		if float64(v) == float64(int64(v)) && v >= 0 && v < 1<<32-1 {
			return strconv.FormatInt(int64(v), 10)
		}
	}
	luaargs.ArgError(L, optn, what+": a name or a non-negative id expected, got "+lua.LVAsString(v))
	return ""
}

// checkRlimits reads rlimits: {name = n | {soft, hard}, ...}; n sets both
// limits, as ulimit(1) does; math.huge or "unlimited" is no limit.
func checkRlimits(L *lua.LState, optn int, v lua.LValue) []NamedRlimit {
	t, ok := v.(*lua.LTable)
	if !ok {
		luaargs.ArgError(L, optn, "rlimits: table of resource = limit or {soft, hard} expected, got "+v.Type().String())
	}
	var out []NamedRlimit
	t.ForEach(func(k, v lua.LValue) {
		name, isStr := k.(lua.LString)
		res, known := inherit.RlimitByName(string(name))
		if !isStr || !known {
			luaargs.ArgError(L, optn, fmt.Sprintf("rlimits: unknown resource '%s' (known: %s)", lua.LVAsString(k), strings.Join(inherit.RlimitNames(), ", ")))
		}
		limit := func(v lua.LValue) uint64 {
			switch v := v.(type) {
			case lua.LNumber:
				if math.IsInf(float64(v), 1) {
					return inherit.RlimInfinity
				}
				if float64(v) == math.Trunc(float64(v)) && v >= 0 && v < 1<<63 {
					return uint64(v)
				}
			case lua.LString:
				if v == "unlimited" || v == "infinity" {
					return inherit.RlimInfinity
				}
			}
			luaargs.ArgError(L, optn, fmt.Sprintf("rlimits.%s: a non-negative integer, math.huge or \"unlimited\" expected, got %s", name, lua.LVAsString(v)))
			return 0
		}
		r := NamedRlimit{Name: string(name), Rlimit: inherit.Rlimit{Resource: res}}
		if pair, isPair := v.(*lua.LTable); isPair {
			if pair.Len() != 2 {
				luaargs.ArgError(L, optn, fmt.Sprintf("rlimits.%s: {soft, hard} expected", name))
			}
			r.Cur, r.Max = limit(pair.RawGetInt(1)), limit(pair.RawGetInt(2))
			if r.Cur > r.Max {
				luaargs.ArgError(L, optn, fmt.Sprintf("rlimits.%s: the soft limit is above the hard one", name))
			}
		} else {
			r.Cur = limit(v)
			r.Max = r.Cur
		}
		out = append(out, r)
	})
	return out
}

// mergeEnv returns base with the variables of extra set over it.
func mergeEnv(base, extra []string) []string {
	set := map[string]bool{}
	for _, kv := range extra {
		name, _, _ := strings.Cut(kv, "=")
		set[name] = true
	}
	out := make([]string, 0, len(base)+len(extra))
	for _, kv := range base {
		if name, _, _ := strings.Cut(kv, "="); !set[name] {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}
