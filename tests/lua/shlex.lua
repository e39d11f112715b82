-- shlex: the Lua side of internal/shlex, which is checked against Python
-- case by case; here the bindings, a round trip and the errors.
local shlex = require("shlex")
local function words(t) return table.concat(t, "|") end

eq(words(shlex.split([[a "b c" 'd e'f\ g]])), "a|b c|d ef g", "split")
eq(#shlex.split(""), 0, "split of nothing")
eq(words(shlex.split([[a "" b]])), "a||b", "an empty word")
eq(shlex.quote("it's"), [['it'"'"'s']], "quote")
eq(shlex.quote(""), "''", "quote of nothing")
eq(shlex.quote("safe/path-1.txt"), "safe/path-1.txt", "safe characters are left")
eq(shlex.join({"echo", "a b", "$HOME", 3}), [[echo 'a b' '$HOME' 3]], "join")
eq(shlex.join({}), "", "join of nothing")
local args = {"x", "it's", "a\nb", "", "\255", "--opt=va lue"}
local back = shlex.split(shlex.join(args))
eq(#back, #args, "a round trip keeps the count")
for i = 1, #args do eq(back[i], args[i], "a round trip keeps word " .. i) end

raises("bad argument #1 to 'split' (no closing quotation)", function() shlex.split([[a "b]]) end)
raises("bad argument #1 to 'split' (no escaped character)", function() shlex.split([[a\]]) end)
raises("bad argument #1 to 'split' (string expected, got no value)", function() shlex.split() end)
raises("bad argument #1 to 'join' (table expected, got string)", function() shlex.join("a") end)
raises("bad argument #1 to 'join' (element 2: string expected, got boolean)", function() shlex.join({"a", true}) end)
