//go:build unix

package tests

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/safesh/safesh/runtime"
)

// TestReadNumberMatchesLua51 reads thousands of strings made of the
// characters a number can hold, and some it cannot, with io.read("*n") in
// safesh and in C Lua 5.1 (which uses glibc's fscanf), and compares the
// number read and what is left.
func TestReadNumberMatchesLua51(t *testing.T) {
	lua51, err := exec.LookPath("lua5.1")
	if err != nil {
		t.Skip("lua5.1 is not installed (apt-get install lua5.1; .ci/run installs it)")
	}
	cases := map[string]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789..eEpPxX+-+-infatyINFATY( )\n\tbcf"
	for range 3000 {
		b := make([]byte, 1+rng.IntN(9))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases[string(b)] = true
	}
	for _, pre := range []string{"", "+", "-", " ", "  -"} {
		for _, body := range []string{"0x", "0X", "0", "00", "1", "12", ".", ".5", "1.", "0x1", "0xa.b", "0x.", "inf", "nan", "infinity", "in", "infi"} {
			for _, tail := range []string{"", "e", "E", "p", "P", "e+", "e-", "p+", "e5", "p5", "e+5", "p-5", "x", ".", " 1", "e1e", "..", "ff", "g"} {
				cases[pre+body+tail] = true
			}
		}
	}
	dir := t.TempDir()
	var script strings.Builder
	script.WriteString("local cases = {\n")
	for c := range cases {
		script.WriteString("  \"")
		for i := 0; i < len(c); i++ {
			fmt.Fprintf(&script, "\\%d", c[i])
		}
		script.WriteString("\",\n")
	}
	fmt.Fprintf(&script, `}
table.sort(cases)
local tmp = %q
local function esc(s) return (s:gsub("%%c", function(c) return "<" .. c:byte() .. ">" end)) end
for _, s in ipairs(cases) do
  local w = assert(io.open(tmp, "w")) w:write(s) w:close()
  local f = assert(io.open(tmp))
  local n = f:read("*n")
  local rest = f:read("*a")
  f:close()
  local v = n == nil and "nil" or n ~= n and "nan" or n == 1/0 and "inf" or n == -1/0 and "-inf"
    or (n == 0 and 1/n < 0) and "-0" or string.format("%%.17g", n)
  io.write(esc(s), " -> ", v, " left ", esc(rest), "\n")
end
`, filepath.Join(dir, "number"))
	file := filepath.Join(dir, "numbers.lua")
	if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command(lua51, file).Output()
	if err != nil {
		t.Fatalf("lua5.1: %v", err)
	}
	var got strings.Builder
	r, err := runtime.New(runtime.Unrestricted(), runtime.WithStdout(&got))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.DoFile(context.Background(), file); err != nil {
		t.Fatal(describe(err))
	}
	wantLines, gotLines := strings.Split(string(want), "\n"), strings.Split(got.String(), "\n")
	if len(wantLines) != len(gotLines) {
		t.Fatalf("lua5.1 gave %d lines, safesh %d", len(wantLines), len(gotLines))
	}
	bad := 0
	for i := range wantLines {
		if wantLines[i] != gotLines[i] {
			if bad++; bad <= 20 {
				t.Errorf("lua5.1: %s\n      safesh: %s", wantLines[i], gotLines[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d cases differ", bad, len(wantLines)-1)
	}
}
