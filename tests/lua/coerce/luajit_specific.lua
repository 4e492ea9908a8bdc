-- Where PUC Lua 5.1 and LuaJIT 2.1 print differently, crescent follows LuaJIT.
-- NaN prints as "nan" whatever its sign bit (PUC Lua prints the C library's "-nan").
print(0/0, -(0/0), tostring(0/0), string.format("%s", 0/0), math.huge - math.huge)
-- Negative zero keeps its sign when printed, constants included (PUC folds -0 into 0).
print(-0, -0.0, 0 * -1, tostring(-0.0), -0.0 .. "", 1 / -0)
-- tonumber stops at an embedded zero byte; a negative number in a base other than 10.
print(tonumber("1\0"), tonumber("-ff", 16), tonumber("-10", 2), tonumber("-z", 36))
-- %q escapes control characters as decimal escapes (\r as \13, \0 as \0).
print(string.format("%q", "a\0b\r\n\t\1\127z\"\\"))
print(string.format("%q", "\0001\0" .. "9"))
-- %s and %q take any value through tostring.
print(string.format("%s %s %s", nil, false, true), string.format("%q", "tab\tx"))
print(string.format("%s", setmetatable({}, {__tostring = function() return "via tostring" end})))
-- %s keeps embedded zero bytes (PUC Lua's sprintf stops at them).
print(string.format("%.3s", "a\0bc") == "a\0b", #string.format("%s|", "a\0b"))
