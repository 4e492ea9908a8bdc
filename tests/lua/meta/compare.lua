-- __eq, __lt, __le (with the not __lt fallback), mixed types.
local mt = {}
mt.__eq = function(a, b) return a.v == b.v end
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
local function new(v) return setmetatable({v = v}, mt) end
local a, b, c = new(1), new(2), new(1)
print(a == c, a ~= c, a == b, a < b, b < a, a <= c, b <= a, a > b, b >= a)
-- __eq is only called when both are tables (or both userdata) with the same metamethod
print(a == 1, 1 == a, a == "x")
local other = setmetatable({v = 1}, {__eq = function() return true end})
print(a == other, other == a)
local shared_eq = function() return true end
local p = setmetatable({}, {__eq = shared_eq})
local q = setmetatable({}, {__eq = shared_eq})
print(p == q, p ~= q)
-- rawequal ignores __eq
print(rawequal(a, c))
-- __le falls back to not __lt(b, a)
local lt_only = {__lt = function(x, y) return x.v < y.v end}
local x, y = setmetatable({v = 1}, lt_only), setmetatable({v = 2}, lt_only)
print(x <= y, y <= x, x >= y)
-- comparisons of mixed types are errors
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return a < 1 end))
-- strings compare bytewise, numbers numerically
print("a" < "b", "abc" < "abd", "" < "a", "Z" < "a", "10" < "9", 10 < 9)
print("a\0b" < "a\0c", "a" < "a\0")
-- results are booleans
local t = setmetatable({}, {__lt = function() return 1 end, __le = function() return nil end})
print(t < t, t <= t)
-- eq of different types is false without calling metamethods
print(new(1) == nil, nil == false, 0 == false, "1" == 1)
