package docs

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestAPIPageParses(t *testing.T) {
	idx, err := Parse(APIPage)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(idx.Entries()); n < 150 {
		t.Errorf("api.md has %d entries; a row that does not start with \"| [`\" is not read", n)
	}
	// Every row of a section's table is an entry: none is skipped for not
	// fitting the form.
	for i, line := range strings.Split(APIPage, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| [`") && !strings.HasPrefix(line, "| call |") && !strings.HasPrefix(line, "| --- |") {
			t.Errorf("api.md:%d: a row that is not an entry: %s", i+1, line)
		}
	}
}

func TestAPIParseErrors(t *testing.T) {
	for _, c := range []struct{ page, want string }{
		{"## os — [os.md](os.md)\n| [`os.open(path)`](os.md) | fd |\n", "three cells"},
		{"## os — [os.md](os.md)\n| [`io.open(path)`](io.md) | f | opens |\n", "not a function of os"},
		{"## os — [os.md](os.md)\n| [`os.open(path)`](os.md) | fd | opens |\n| [`os.open(p)`](os.md) | fd | again |\n", "listed twice"},
		{"## os — [os.md](os.md)\n## File methods (`FILE*`) — [io.md](io.md)\n| [`f.read()`](io.md) | s | reads |\n", "recv:name"},
		{"## os — [os.md](os.md)\n| [`os.open(path)`](os.md) | fd |  |\n", "says nothing"},
		{"## File methods (`FILE*`) — [io.md](io.md)\n", "before any module"},
		{"## os\n", "section heading"},
		{"| [`os.open()`](os.md) | fd | opens |\n", "before any section"},
	} {
		_, err := Parse(c.page)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", c.page, err, c.want)
		}
	}
}

func TestAPILookup(t *testing.T) {
	idx := API()
	for name, sig := range map[string]string{
		"os.open":        "os.open(path, flags [, mode])",
		"os.path.join":   "os.path.join(a, ...)",
		"sock:recv":      "sock:recv(n)",
		"socket:recv":    "sock:recv(n)",
		"FILE*:read":     "f:read(...)",
		"subprocess.run": "subprocess.run(args [, opts])",
	} {
		e, ok := idx.Lookup(name)
		if !ok || e.Signature != sig {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, e.Signature, ok, sig)
		}
	}
	if e, ok := idx.Lookup("os.stat"); !ok || e.Signature != "os.stat(path | fd | file [, follow_symlinks])" {
		t.Errorf("\\| is not read as |: %q", e.Signature)
	}
	secs := idx.Module("os")
	if len(secs) != 3 || secs[1].Module != "os.path" || secs[2].Type != "os.scandir" {
		t.Errorf("Module(os) = %d sections, want os, os.path and the scandir handle", len(secs))
	}
	if idx.Module("nosuch") != nil {
		t.Error("Module of an unknown name is not nil")
	}
}

// TestAPILinks checks that every link of the index leads to a page of
// this directory and, with an anchor, to one of its headings.
func TestAPILinks(t *testing.T) {
	anchors := map[string]map[string]bool{}
	for _, e := range API().Entries() {
		page, anchor, _ := strings.Cut(e.Link, "#")
		if _, ok := anchors[page]; !ok {
			data, err := os.ReadFile(page)
			if err != nil {
				t.Errorf("%s links to %s: %v", e.Name, page, err)
				anchors[page] = nil
				continue
			}
			anchors[page] = headingAnchors(string(data))
		}
		if anchor != "" && anchors[page] != nil && !anchors[page][anchor] {
			t.Errorf("%s links to %s, which has no heading #%s", e.Name, page, anchor)
		}
	}
}

var anchorDrop = regexp.MustCompile(`[^a-z0-9 _-]`)

// headingAnchors returns the anchors GitHub gives a page's headings.
func headingAnchors(page string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(page, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		a := anchorDrop.ReplaceAllString(strings.ToLower(text), "")
		out[strings.ReplaceAll(a, " ", "-")] = true
	}
	return out
}
