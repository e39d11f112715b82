// Package posixpath manipulates slash-separated paths exactly as
// Python's posixpath module does, string for string, so that scripts get
// the results a Python user expects; it differs from Go's path/filepath,
// which cleans as it joins. It also matches names as Python's fnmatch
// does (see Match). Nothing here touches the file system.
package posixpath

import "strings"

// Join joins path elements as os.path.join: an absolute element discards
// what came before, and a separator is added only where one is missing.
func Join(a string, p ...string) string {
	path := a
	for _, b := range p {
		switch {
		case strings.HasPrefix(b, "/"):
			path = b
		case path == "" || strings.HasSuffix(path, "/"):
			path += b
		default:
			path += "/" + b
		}
	}
	return path
}

// Split splits p into its head and its last element, as os.path.split:
// the head keeps no trailing slash unless it is all slashes.
func Split(p string) (head, tail string) {
	i := strings.LastIndexByte(p, '/') + 1
	head, tail = p[:i], p[i:]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head, tail
}

// Basename is the tail of Split.
func Basename(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// Dirname is the head of Split.
func Dirname(p string) string {
	head, _ := Split(p)
	return head
}

// Splitext splits p into a root and an extension that starts at the last
// dot of the last element, unless that element is only dots before it
// (".bashrc" has no extension), as os.path.splitext.
func Splitext(p string) (root, ext string) {
	sep := strings.LastIndexByte(p, '/')
	dot := strings.LastIndexByte(p, '.')
	if dot > sep {
		for i := sep + 1; i < dot; i++ {
			if p[i] != '.' {
				return p[:dot], p[dot:]
			}
		}
	}
	return p, ""
}

// IsAbs reports whether p starts with a slash.
func IsAbs(p string) bool { return strings.HasPrefix(p, "/") }

// Normpath removes redundant separators and "." elements, and ".."
// elements with what they cancel, as os.path.normpath: without looking
// at the file system, so a ".." after a symbolic link may change where
// the path leads. Two leading slashes are kept, as POSIX allows; more
// become one.
func Normpath(p string) string {
	if p == "" {
		return "."
	}
	initial := 0
	if strings.HasPrefix(p, "/") {
		initial = 1
		if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
			initial = 2
		}
	}
	var comps []string
	for _, c := range strings.Split(p, "/") {
		if c == "" || c == "." {
			continue
		}
		if c != ".." || initial == 0 && len(comps) == 0 || len(comps) > 0 && comps[len(comps)-1] == ".." {
			comps = append(comps, c)
		} else if len(comps) > 0 {
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", initial) + strings.Join(comps, "/")
	if out == "" {
		return "."
	}
	return out
}

// Abs makes p absolute from the working directory cwd, and normalizes it,
// as os.path.abspath.
func Abs(p, cwd string) string {
	if !IsAbs(p) {
		p = Join(cwd, p)
	}
	return Normpath(p)
}

// Rel returns p relative to start, both made absolute from cwd, as
// os.path.relpath. p must not be empty.
func Rel(p, start, cwd string) string {
	split := func(s string) []string {
		var out []string
		for _, c := range strings.Split(Abs(s, cwd), "/") {
			if c != "" {
				out = append(out, c)
			}
		}
		return out
	}
	sl, pl := split(start), split(p)
	i := 0
	for i < len(sl) && i < len(pl) && sl[i] == pl[i] {
		i++
	}
	var rel []string
	for range len(sl) - i {
		rel = append(rel, "..")
	}
	rel = append(rel, pl[i:]...)
	if len(rel) == 0 {
		return "."
	}
	return Join(rel[0], rel[1:]...)
}

// ExpandUser replaces a leading "~" (the user's home, home()) or "~name"
// (that user's, lookup(name)) as os.path.expanduser. When the home is not
// known (ok false), p is returned unchanged.
func ExpandUser(p string, home func() (string, bool), lookup func(name string) (string, bool)) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	i := strings.IndexByte(p[1:], '/') + 1
	if i == 0 {
		i = len(p)
	}
	var dir string
	var ok bool
	if i == 1 {
		dir, ok = home()
	} else {
		dir, ok = lookup(p[1:i])
	}
	if !ok {
		return p
	}
	out := strings.TrimRight(dir, "/") + p[i:]
	if out == "" {
		return "/"
	}
	return out
}
