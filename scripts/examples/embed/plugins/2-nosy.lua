-- A plugin that tries what it was not granted: each attempt is refused
-- with an ordinary error, and the plugin goes on.
local function try(what, ...)
  local ok, msg = ...
  print(string.format("%-28s %s", what, ok and "ALLOWED?!" or ("refused: " .. tostring(msg))))
end

try("read /etc/passwd", io.open("/etc/passwd"))
try("write the data dir", io.open(DATA .. "/words.txt", "w"))
try("escape with ..", io.open(DATA .. "/../main.go"))
try("run a shell", os.execute("id"))
try("connect out", require("socket").create_connection("127.0.0.1", 22, 1))
try("guess descriptor 3", os.read(3, 10))
try("read HOME", os.getenv("HOME"), "nil: hidden")
os.exit(3)
