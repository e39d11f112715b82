//go:build unix

package tests

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safesh/safesh/runtime"
)

// TestLang runs each tests/lang/*.lua under safesh and compares what it
// prints with the NAME.want beside it, then checks that lua5.1 and lua5.4
// print the same, so that a .want is what Lua prints, not what safesh
// happens to print. Without lua5.1 or lua5.4 that check skips, saying so;
// the comparison with the .want still runs. A script whose first line is
// "-- lua5.1 only: <why>" is not compared with lua5.4.
func TestLang(t *testing.T) {
	files, err := filepath.Glob("lang/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no language tests found: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lua")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(file, ".lua") + ".want")
			if err != nil {
				t.Fatal(err)
			}
			t.Run("safesh", func(t *testing.T) {
				got, err := runSafesh(t, file)
				if err != nil {
					t.Errorf("%s: %v", file, describe(err))
				}
				if got != string(want) {
					t.Errorf("%s printed:\n%s\nwant:\n%s", file, got, want)
				}
			})
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(src), "\n")
			only51, isOnly51 := strings.CutPrefix(first, "-- lua5.1 only: ")
			only54, isOnly54 := strings.CutPrefix(first, "-- lua5.4 only: ")
			for _, lua := range []string{"lua5.1", "lua5.4"} {
				t.Run(lua, func(t *testing.T) {
					if lua == "lua5.4" && isOnly51 {
						t.Skipf("%s is for Lua 5.1 only: %s", file, only51)
					}
					if lua == "lua5.1" && isOnly54 {
						t.Skipf("%s is for Lua 5.4 only: %s", file, only54)
					}
					if _, err := exec.LookPath(lua); err != nil {
						t.Skipf("%s is not installed: %s not compared with it", lua, file)
					}
					ctx, cancel := context.WithTimeout(context.Background(), slowdown*time.Minute)
					defer cancel()
					out, err := exec.CommandContext(ctx, lua, file).CombinedOutput()
					if err != nil {
						t.Errorf("%s %s: %v\n%s", lua, file, err, out)
					}
					if string(out) != string(want) {
						t.Errorf("%s %s printed:\n%s\nwant (%s.want):\n%s", lua, file, out, name, want)
					}
				})
			}
		})
	}
}

// runSafesh runs a Lua file in a fresh unrestricted runtime and returns
// what it printed. Ten seconds are far more than any of them needs: a script
// that loops for ever fails instead of hanging the tests.
func runSafesh(t *testing.T, file string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(&out), runtime.WithStderr(&out))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = r.DoFile(ctx, file)
	return out.String(), err
}

// TestLangRandom compares safesh with lua5.1 on many small generated
// functions of nested loops, ifs, breaks and closures, each printing a
// trace of what ran. It finds jumps that go astray, as in issue 18, in
// shapes nobody thought of writing down. It needs lua5.1 and skips
// without it. SAFESH_LANG_SEED=N tries another set of programs.
func TestLangRandom(t *testing.T) {
	lua51, err := exec.LookPath("lua5.1")
	if err != nil {
		t.Skip("lua5.1 is not installed: generated programs not compared with it")
	}
	const programs = 400
	seed := uint64(18)
	if s := os.Getenv("SAFESH_LANG_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("SAFESH_LANG_SEED: %v", err)
		}
	}
	g := &langGen{rand: rand.New(rand.NewPCG(seed, 540))}
	var src strings.Builder
	var sources []string
	src.WriteString("local P = {}\n")
	for n := 1; n <= programs; n++ {
		body := g.program()
		sources = append(sources, body)
		fmt.Fprintf(&src, "P[%d] = function()\n%send\n", n, body)
	}
	fmt.Fprintf(&src, "for n = 1, %d do\n  local ok, r = pcall(P[n])\n  print(n, ok, r)\nend\n", programs)
	file := filepath.Join(t.TempDir(), "random.lua")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), slowdown*time.Minute)
	defer cancel()
	want, err := exec.CommandContext(ctx, lua51, file).CombinedOutput()
	if err != nil {
		t.Fatalf("lua5.1: %v\n%s", err, want)
	}
	got, err := runSafesh(t, file)
	if err != nil {
		t.Errorf("safesh: %v", describe(err))
	}
	wantLines := strings.Split(string(want), "\n")
	gotLines := strings.Split(got, "\n")
	for i, w := range wantLines {
		if i >= len(gotLines) || gotLines[i] != w {
			g := "(nothing)"
			if i < len(gotLines) {
				g = gotLines[i]
			}
			t.Fatalf("program %d: safesh printed\n%s\nlua5.1 printed\n%s\nthe program:\n%s", i+1, g, w, sources[min(i, len(sources)-1)])
		}
	}
}

// langGen writes random Lua 5.1 function bodies that always end in real
// Lua: loops run at most three times, and values are small integers.
type langGen struct {
	rand   *rand.Rand
	b      strings.Builder
	indent int
	vars   []string // numbers in scope
	loops  int      // loops around the current statement in this function
	n      int      // names made so far
}

func (g *langGen) program() string {
	g.b.Reset()
	g.indent = 1
	g.vars = []string{"a", "b"}
	g.loops = 0
	g.line("local out, fs = {}, {}")
	g.line("local a, b = 0, 1")
	g.block(3)
	g.line("for _, f in ipairs(fs) do out[#out + 1] = f() end")
	g.line("return table.concat(out, \" \")")
	return g.b.String()
}

func (g *langGen) line(s string) {
	g.b.WriteString(strings.Repeat("  ", g.indent))
	g.b.WriteString(s)
	g.b.WriteString("\n")
}

func (g *langGen) name(prefix string) string {
	g.n++
	return fmt.Sprintf("%s%d", prefix, g.n)
}

// block writes one to four statements, and maybe a break at its end, or
// only a break.
func (g *langGen) block(depth int) {
	nvars := len(g.vars)
	n, brk := 1+g.rand.IntN(4), g.loops > 0 && g.rand.IntN(4) == 0
	if brk && g.rand.IntN(3) == 0 {
		n = 0 // a body of only break
	}
	for i := 0; i < n; i++ {
		g.stmt(depth)
	}
	if brk {
		g.line("break")
	}
	g.vars = g.vars[:nvars]
}

func (g *langGen) body(depth int, loop bool) {
	g.indent++
	if loop {
		g.loops++
	}
	g.block(depth - 1)
	if loop {
		g.loops--
	}
	g.indent--
}

func (g *langGen) stmt(depth int) {
	k := g.rand.IntN(14)
	if depth <= 0 {
		k = g.rand.IntN(4)
	}
	switch k {
	case 0, 1:
		g.line(fmt.Sprintf("out[#out + 1] = %q .. %s", g.name("e"), g.expr()))
	case 2:
		v := g.vars[g.rand.IntN(len(g.vars))]
		if v == "a" || v == "b" {
			g.line(fmt.Sprintf("%s = (%s) %% 7", v, g.expr()))
		} else {
			g.line(fmt.Sprintf("out[#out + 1] = %s", v))
		}
	case 3:
		if g.loops > 0 {
			g.line(fmt.Sprintf("if %s then break end", g.cond()))
		} else {
			g.line(fmt.Sprintf("local %s = %s", g.name("l"), g.expr()))
		}
	case 4:
		v := g.name("l")
		g.line(fmt.Sprintf("local %s = %s", v, g.expr()))
		g.vars = append(g.vars, v)
	case 5:
		g.line(fmt.Sprintf("if %s then", g.cond()))
		g.body(depth, false)
		switch g.rand.IntN(3) {
		case 0:
			g.line(fmt.Sprintf("elseif %s then", g.cond()))
			g.body(depth, false)
		case 1:
			g.line("else")
			g.body(depth, false)
		}
		g.line("end")
	case 6:
		v := g.name("i")
		g.line(fmt.Sprintf("for %s = 1, %d do", v, g.rand.IntN(4)))
		g.vars = append(g.vars, v)
		g.body(depth, true)
		g.vars = g.vars[:len(g.vars)-1]
		g.line("end")
	case 7, 8:
		k, v := g.name("k"), g.name("v")
		iter := []string{"ipairs({1, 2, 3})", "ipairs({})", "ipairs({5})", "pairs({4, 5})"}[g.rand.IntN(4)]
		g.line(fmt.Sprintf("for %s, %s in %s do", k, v, iter))
		g.vars = append(g.vars, k, v)
		g.body(depth, true)
		g.vars = g.vars[:len(g.vars)-2]
		g.line("end")
	case 9:
		w := g.name("w")
		g.line(fmt.Sprintf("local %s = 0", w))
		g.line(fmt.Sprintf("while %s < %d do", w, g.rand.IntN(4)))
		g.indent++
		g.line(fmt.Sprintf("%s = %s + 1", w, w))
		g.indent--
		g.vars = append(g.vars, w)
		g.body(depth, true)
		g.line("end")
	case 10:
		r := g.name("r")
		g.line(fmt.Sprintf("local %s = 0", r))
		g.line("repeat")
		g.indent++
		g.line(fmt.Sprintf("%s = %s + 1", r, r))
		g.indent--
		g.vars = append(g.vars, r)
		g.body(depth, true)
		g.line(fmt.Sprintf("until %s >= %d or %s", r, 1+g.rand.IntN(3), g.cond()))
	case 11:
		g.line(fmt.Sprintf("fs[#fs + 1] = function() return %s end", g.expr()))
	case 12:
		g.line("do")
		g.body(depth, false)
		g.line("end")
	case 13:
		f := g.name("f")
		g.line(fmt.Sprintf("local function %s()", f))
		saved := g.loops
		g.loops = 0
		g.body(depth, false)
		g.loops = saved
		g.line("end")
		g.line(fmt.Sprintf("%s()", f))
	}
}

func (g *langGen) expr() string {
	switch g.rand.IntN(4) {
	case 0:
		return fmt.Sprint(g.rand.IntN(5))
	case 1:
		return fmt.Sprintf("%s + %s", g.atom(), g.atom())
	default:
		return g.atom()
	}
}

func (g *langGen) atom() string {
	if g.rand.IntN(3) == 0 {
		return fmt.Sprint(g.rand.IntN(5))
	}
	return g.vars[g.rand.IntN(len(g.vars))]
}

func (g *langGen) cond() string {
	switch g.rand.IntN(8) {
	case 0:
		return []string{"true", "false", "nil"}[g.rand.IntN(3)]
	case 1:
		return "not (" + g.cond() + ")"
	case 2:
		return g.cond() + " and " + g.cond()
	case 3:
		return g.cond() + " or " + g.cond()
	default:
		return fmt.Sprintf("%s %s %s", g.atom(), []string{"==", "~=", "<", ">="}[g.rand.IntN(4)], g.atom())
	}
}

// suiteDir holds the language files of Lua 5.1's test suite (see its
// README for where they come from and what safesh changed).
const suiteDir = "../third_party/lua5.1-tests"

// TestLua51Suite runs each file of Lua 5.1's test suite under safesh: a
// file passes if it runs to its end and prints OK, as with "lua5.1
// file.lua" in its directory. With lua5.1 installed, each must pass there
// too, which keeps the suite's edits to what Lua 5.1 itself passes.
func TestLua51Suite(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(suiteDir, "*.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no suite files: %v", err)
	}
	dir, err := filepath.Abs(suiteDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lua")
		if name == "checktable" { // a module of math.lua's
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // nextvar.lua alone takes seconds: 10000 collectgarbage()
			t.Run("safesh", func(t *testing.T) {
				var out bytes.Buffer
				r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(&out), runtime.WithStderr(&out))
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				// Minutes, not seconds: the files run side by side, and every
				// collectgarbage() of each is a whole collection of the
				// process, which waits for the others' (calls.lua took 60 s
				// beside nextvar.lua on a loaded machine, 4 s alone).
				ctx, cancel := context.WithTimeout(context.Background(), slowdown*3*time.Minute)
				defer cancel()
				if err := r.DoString(ctx, fmt.Sprintf("package.path = %q", dir+"/?.lua"), "path"); err != nil {
					t.Fatal(describe(err))
				}
				if err := r.DoFile(ctx, file); err != nil {
					t.Fatalf("%v\n%s", describe(err), out.String())
				}
				if !strings.HasSuffix(out.String(), "OK\n") {
					t.Errorf("%s did not print OK at its end:\n%s", file, out.String())
				}
			})
			t.Run("lua5.1", func(t *testing.T) {
				lua51, err := exec.LookPath("lua5.1")
				if err != nil {
					t.Skipf("lua5.1 is not installed: %s not run with it", file)
				}
				ctx, cancel := context.WithTimeout(context.Background(), slowdown*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, lua51, filepath.Base(file))
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "LUA_PATH=./?.lua", "LUA_INIT=")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
			})
		})
	}
}
