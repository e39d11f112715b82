-- A well-behaved plugin: reads the data directory, runs the one program
-- it is allowed, and reports through the host's function.
local subprocess = require("subprocess")

local f = assert(io.open(DATA .. "/words.txt"))
local text = f:read("*a")
f:close()
local words = 0
for _ in text:gmatch("%S+") do words = words + 1 end
report("words", words)

local r = assert(subprocess.run({WC, "-l"}, {input = text, capture_output = true}))
report("lines (by wc)", tonumber(r.stdout))
print("done")
