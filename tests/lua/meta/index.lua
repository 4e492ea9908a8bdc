-- __index and __newindex through tables and functions, chains, rawget/rawset.
local base = {a = 1}
local mid = setmetatable({b = 2}, {__index = base})
local top = setmetatable({c = 3}, {__index = mid})
print(top.a, top.b, top.c, top.d)
print(rawget(top, "a"), rawget(top, "c"))
local calls = {}
local fn = setmetatable({}, {__index = function(t, k) calls[#calls + 1] = tostring(k); return tostring(k) .. "!" end})
print(fn.x, fn[1], fn[true])
print(table.concat(calls, ","))
-- __index is not consulted for existing keys (even false)
local f = setmetatable({present = false}, {__index = function() return "meta" end})
print(f.present, f.absent)
-- __newindex to a table
local store = {}
local proxy = setmetatable({}, {__newindex = store})
proxy.x = 10
print(rawget(proxy, "x"), store.x)
-- __newindex function
local log = {}
local watched = setmetatable({}, {__newindex = function(t, k, v)
  log[#log + 1] = tostring(k) .. "=" .. tostring(v)
  rawset(t, k, v)
end})
watched.a = 1
watched.a = 2 -- existing key: no metamethod
watched.b = 3
print(table.concat(log, " "), watched.a, watched.b)
-- __newindex chain through tables with metatables
local final = {}
local hop = setmetatable({}, {__newindex = final})
local first = setmetatable({}, {__newindex = hop})
first.z = "deep"
print(rawget(first, "z"), rawget(hop, "z"), final.z)
-- __index on a table with array keys
local defaults = setmetatable({}, {__index = function(_, i) return i * i end})
print(defaults[4], defaults[7])
-- read-only table
local ro = setmetatable({}, {__index = {k = "v"}, __newindex = function() error("read-only table", 2) end})
print(ro.k, pcall(function() ro.k = 1 end))
-- __index on strings: the string metatable
print(("abc").len == string.len, getmetatable("").__index == string)
print(#getmetatable("abc").__index.rep("ab", 3))
-- rawset returns the table; rawequal
local r = {}
print(rawset(r, "k", 1) == r, r.k, rawequal(r, r), rawequal(r, {}))
-- __index on numbers fails with a message
print(pcall(function() local n = 5; return n.x end))
