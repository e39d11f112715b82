package tests

import (
	"os/exec"
	"strings"
	"testing"
)

// layers ranks the project's packages from the bottom (inherit, which
// knows nothing of Lua) to the top (the command). A package may import
// only packages of a lower rank: the layout's one direction of imports.
var layers = []struct {
	rank int
	path string // a package, or a prefix ending in "/"
}{
	{0, "inherit"}, {0, "internal/posixpath"}, {0, "internal/strmem"}, {0, "docs"},
	{1, "internal/policy"}, {1, "internal/luaargs"}, {1, "internal/luaerr"}, {1, "internal/fdtest"},
	{1, "internal/shlex"}, {1, "internal/pyoracle"}, {1, "internal/isolate"}, {1, "internal/limits"}, {1, "internal/cgroup"},
	{2, "internal/state"},
	{3, "internal/spawn"},
	{4, "modules/io"},
	{5, "modules/"},
	{6, "runtime"},
	{7, "cmd/safesh/internal/repl"}, {7, "bench"}, {7, "scripts/examples/"},
	{8, "cmd/safesh/internal/cli"}, {8, "bench/"}, {8, "internal/fdtest/lsfds"},
	{9, "cmd/safesh"},
}

// rank returns the rank of the project's package path (relative to the
// module), the most specific entry winning, or -1 if it has none.
func rank(path string) int {
	best, bestLen := -1, -1
	for _, l := range layers {
		matches := path == l.path || strings.HasSuffix(l.path, "/") && strings.HasPrefix(path, l.path)
		if matches && len(l.path) > bestLen {
			best, bestLen = l.rank, len(l.path)
		}
	}
	return best
}

// TestImportsPointDown checks that no package imports one above it, and
// that every package has a place in the layers.
func TestImportsPointDown(t *testing.T) {
	const module = "github.com/safesh/safesh/"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		if pkg == "tests" {
			continue
		}
		r := rank(pkg)
		if r < 0 {
			t.Errorf("%s has no place in the layers: add it to layers", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			if rank(dep) >= r {
				t.Errorf("%s (rank %d) imports %s (rank %d): imports must point down", pkg, r, dep, rank(dep))
			}
		}
	}
}
