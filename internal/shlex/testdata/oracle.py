# The oracle for shlex_test.go: Python's shlex on the cases below, printed
# as JSON [[function, arg, result], ...]; a ValueError is "ERROR: message".
import json, shlex, sys

splits = ["", " ", "a", "a b", "  a   b  ", "a\tb\nc\rd", "'a b'", '"a b"', "a'b'c", 'a"b"c', "''", '""', "a ''", "'' a",
          '"" ""', "\\a", "a\\ b", "\\\\", "\\'", '\\"', "'\\'", "'a\\b'", '"a\\b"', '"a\\"b"', '"a\\\\b"', '"\\$x"',
          "a\\\nb", "'unterminated", '"unterminated', "trailing\\", '"esc\\', "#not a comment", "a#b", "$HOME `x` $(y)",
          "a|b;c&&d>e<f", "(x)", "caf\u00e9 na\u00efve", "'it'\"'\"'s'", "\"'\"", "'\"'", "a\\\tb", "x=\"1 2\" y",
          "--opt='a b' -c \"d e\"", "\u00e9\\\u00e9"]
quotes = ["", "a", "a b", "abc_DEF-0.9/x:y,z@w%v+u=t", "it's", "'", "\"", "$x", "a\nb", "*", "~", "\u00e9", "a\tb",
          "!", "#", "&", ";", "()", "[x]", "{a,b}", "\\", "-", "--flag=value"]
joins = [[], ["a"], ["a", "b c"], ["", "x"], ["it's", "$HOME"], ["echo", "a;b", "c|d"]]
out = []
for s in splits:
    try:
        r = shlex.split(s)
    except ValueError as e:
        r = "ERROR: " + str(e)
    out.append(["split", s, r])
for s in quotes:
    out.append(["quote", s, shlex.quote(s)])
for a in joins:
    out.append(["join", a, shlex.join(a)])
# Split(Join(x)) == x
for a in joins:
    out.append(["roundtrip", a, shlex.split(shlex.join(a))])
json.dump(out, sys.stdout, ensure_ascii=False)
