package luaargs

import (
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// CheckArgv returns t, argument n, as a program's arguments: a non-empty
// sequence of strings (numbers are converted), without NUL bytes.
func CheckArgv(L *lua.LState, n int, t *lua.LTable) []string {
	count := t.Len()
	if count == 0 {
		ArgError(L, n, "empty argument list")
	}
	argv := make([]string, count)
	for i := 1; i <= count; i++ {
		switch v := t.RawGetInt(i).(type) {
		case lua.LString:
			argv[i-1] = string(v)
		case lua.LNumber:
			argv[i-1] = v.String()
		default:
			ArgError(L, n, fmt.Sprintf("argument %d: string expected, got %s", i, v.Type()))
		}
		if strings.IndexByte(argv[i-1], 0) >= 0 {
			ArgError(L, n, fmt.Sprintf("argument %d contains a NUL byte", i))
		}
	}
	return argv
}

// CheckEnv converts v, the option name of the options table at argument
// optn, an environment table, into "key=value" strings, sorted.
func CheckEnv(L *lua.LState, optn int, name string, v lua.LValue) []string {
	t, ok := v.(*lua.LTable)
	if !ok {
		ArgError(L, optn, name+": table expected, got "+v.Type().String())
	}
	env := []string{}
	var bad string
	t.ForEach(func(k, v lua.LValue) {
		ks, kok := k.(lua.LString)
		var vs string
		switch v := v.(type) {
		case lua.LString:
			vs = string(v)
		case lua.LNumber:
			vs = v.String()
		default:
			kok = false
		}
		switch {
		case bad != "":
		case !kok || ks == "" || strings.ContainsAny(string(ks), "=\x00") || strings.IndexByte(vs, 0) >= 0:
			bad = k.String()
		default:
			env = append(env, string(ks)+"="+vs)
		}
	})
	if bad != "" {
		ArgError(L, optn, name+": bad entry '"+bad+"' (string keys without '=' and string values expected)")
	}
	sort.Strings(env)
	return env
}
