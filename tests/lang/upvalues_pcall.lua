-- An error caught by pcall leaves the variables of the function that
-- called pcall shared with its closures.
local x = 0
local function inc() x = x + 1 end
print(pcall(function() error("a", 0) end))
inc()
print(x)
print(pcall(error, {}) == false)
inc()
print(x)
print(xpcall(function() error("b", 0) end, function(e) return "handled " .. e end))
inc()
print(x)
local get
pcall(function() local v = 42 get = function() return v end error("c") end)
local a, b, c = 1, 2, 3
print(get(), a + b + c)
