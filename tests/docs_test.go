//go:build linux

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// docPages are the pages whose Lua examples TestDocExamples runs.
var docPages = []string{"os.md", "time.md", "shutil.md", "shlex.md", "select.md", "task.md", "signal.md"}

// TestDocExamples runs every ```lua block of docPages with the safesh
// command, each in a new empty working directory, so that the examples
// stay true. A block must run to its end, and each "--> text" comment
// must match, in order, a line the block prints (tabs written as two
// spaces).
func TestDocExamples(t *testing.T) {
	for _, page := range docPages {
		data, err := os.ReadFile(filepath.Join("..", "docs", page))
		if err != nil {
			t.Fatal(err)
		}
		blocks := luaBlocks(string(data))
		if len(blocks) == 0 {
			t.Errorf("%s has no Lua example", page)
		}
		for i, block := range blocks {
			t.Run(strings.TrimSuffix(page, ".md")+"/"+string(rune('a'+i)), func(t *testing.T) {
				dir := t.TempDir()
				script := filepath.Join(dir, "example.lua")
				if err := os.WriteFile(script, []byte(block), 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command("safesh", script)
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("the example fails: %v\n%s\n--- the example:\n%s", err, out, block)
				}
				got := strings.Split(strings.ReplaceAll(strings.TrimRight(string(out), "\n"), "\t", "  "), "\n")
				line := 0
				for _, want := range expectations(block) {
					for line < len(got) && strings.TrimRight(got[line], " ") != want {
						line++
					}
					if line == len(got) {
						t.Fatalf("the example does not print %q\n--- it printed:\n%s\n--- the example:\n%s", want, out, block)
					}
					line++
				}
			})
		}
	}
}

// luaBlocks returns the contents of the ```lua blocks of a page.
func luaBlocks(page string) []string {
	var blocks []string
	for {
		start := strings.Index(page, "```lua\n")
		if start < 0 {
			return blocks
		}
		page = page[start+len("```lua\n"):]
		end := strings.Index(page, "```")
		if end < 0 {
			return blocks
		}
		blocks = append(blocks, page[:end])
		page = page[end:]
	}
}

// expectations returns what the "--> " comments of a block say it prints.
func expectations(block string) []string {
	var out []string
	for _, line := range strings.Split(block, "\n") {
		if _, want, ok := strings.Cut(line, "--> "); ok {
			out = append(out, strings.TrimRight(want, " "))
		}
	}
	return out
}
