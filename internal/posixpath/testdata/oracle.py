# The oracle for posixpath_test.go: Python's own posixpath and fnmatch on
# the cases below, printed as JSON [[function, args, result], ...]. The
# working directory is /cwd/sub and the home /home/u for abspath, relpath
# and expanduser.
import fnmatch, json, os, posixpath, sys

os.getcwd = lambda: "/cwd/sub"
os.environ["HOME"] = "/home/u/"

paths = ["", "/", "//", "///", "a", "a/", "a/b", "/a/b/", "a//b", "a/./b", "a/../b", "../a", "./a", "/..", "/../a",
         "//a/b", "///a/b", "a/b/..", "a/b/../..", "a/b/../../..", "...", ".bashrc", "a/.bashrc", "a.b.c", "a.b/c",
         "a/b.", "..a", "a..", "/a/b.tar.gz", "a/b/c/", "x/./", "\u00e9t\u00e9/f.txt", "a\nb/c"]
cases = []
for p in paths:
    for fn in ["split", "splitext", "normpath", "basename", "dirname", "isabs", "abspath"]:
        cases.append([fn, [p]])
for a in [["a", "b"], ["a/", "b"], ["a", "/b"], ["", "b"], ["a", ""], ["a", "b", "/c", "d"], ["/", "x"],
          ["a//", "b"], ["a"], ["", ""]]:
    cases.append(["join", a])
for a in [["/a/b/c", "/a"], ["/a", "/a/b/c"], ["a/b", "a/c"], ["/x", "/y/z"], ["/", "/"], ["a", "."],
          ["../x", "y"], ["/a/b", "/a/b"], ["a"], ["/cwd/x"]]:
    cases.append(["relpath", a])
for p in ["~", "~/x", "~root/x", "~root", "x/~", "~no-such-user-here/x", "~/"]:
    cases.append(["expanduser", [p]])
pats = [("*", ["a", ".a", "", "a/b"]), ("?", ["a", "", "ab", "\u00e9"]), ("[abc]", ["a", "d"]),
        ("[!abc]", ["a", "d"]), ("[a-c]x", ["bx", "dx"]), ("[z-a]", ["z", "a", "m"]), ("[!z-a]", ["q"]),
        ("[a-]", ["-", "a", "b"]), ("[-a]", ["-", "a"]), ("[]]", ["]"]), ("[!]]", ["]", "a"]), ("[", ["["]),
        ("a[", ["a["]), ("[a-c-e]", ["b", "-", "d", "e"]), ("[az-bc]", ["a", "c", "b", "z", "m"]),
        ("[!z-ab-c]", ["a", "b", "c", "d", "z"]), ("*.txt", ["a.txt", "a.txt.bak", ".txt"]),
        ("a*b*c", ["abc", "aXbYc", "acb", "abcc"]), ("**", ["x"]), ("[\\]", ["\\"]), ("[^a]", ["^", "a", "b"]),
        ("*a", ["aaa", "b"]), ("a?c", ["abc", "ac"]), ("[a-z]*[0-9]", ["abc1", "abc", "1"]),
        ("\\*", ["\\x", "*"]), ("[*]", ["*", "a"]), ("[&&]", ["&"]), ("*\n", ["a\n", "a"]), ("[\u00e0-\u00ff]", ["\u00e9", "e"])]
for pat, names in pats:
    for n in names:
        cases.append(["fnmatch", [pat, n]])
out = []
for fn, args in cases:
    if fn == "fnmatch":
        r = fnmatch.fnmatchcase(args[1], args[0])
    else:
        r = getattr(posixpath, fn)(*args)
    out.append([fn, args, r])
json.dump(out, sys.stdout, ensure_ascii=False, indent=None)
