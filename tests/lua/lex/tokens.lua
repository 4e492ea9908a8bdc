-- Operators, keywords-as-fields, comments at end of file, semicolons.
local a = 1; local b = 2;
print(loadstring("local a = 1;;") == nil)
print(a ~= b, a == b, a <= b, a >= b, a < b, a > b)
local t = {["end"] = 1, ["while"] = 2}
print(t["end"], t["while"])
local s = "a" .. "b" .. "c"
print(s, #s, -#s, not nil)
print(2^-2, -2^2, - -2)
print(1--[[inline]]+--[[again]]2)
local x = {1, 2, 3,}
local y = {1; 2; 3;}
local z = {1, 2; 3}
print(#x, #y, #z)
print(#{n = 1}, #{[1] = "a", [2] = "b"})
local u = {f = function(self, v) return v * 2 end}
print(u:f(21), u.f(u, 4))
print(("x"):rep(3), #"abc" + 1)
do local _ = 1 end
print(type(print) == "function")
-- identifiers may contain underscores and digits
local _a1, __, a_b_c = 1, 2, 3
print(_a1 + __ + a_b_c)
-- comment at end of file without newline
-- ends with a comment without a trailing newline