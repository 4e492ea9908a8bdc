-- Base library functions not covered elsewhere.
print(type(nil), type(1), type("s"), type({}), type(print), type(type), type(true), type(coroutine.create(function() end)), type(newproxy()))
print(pcall(type))
print(_VERSION)
print(_G._G == _G, _G.print == print)
print(select("#"), select("#", nil), select(1, "a", "b"), select(3, 1, 2))
print(pcall(select, "x"))
print(rawequal(1, 1), rawequal("a", "a"), rawequal({}, {}), rawequal(1, "1"))
print(rawget({10}, 1), rawget({}, "x"), pcall(rawget, 1, 1))
print(pcall(rawset, {}, nil, 1))
print(rawlen == nil or rawlen({1, 2}) == 2)
-- ipairs over a table with __index does not use it in 5.1 (raw access)... LuaJIT does: avoid metatables here
local out = {}
for i, v in ipairs({"a", "b", [4] = "d"}) do out[#out + 1] = i .. v end
print(table.concat(out, " "))
-- loadstring and load
local f = loadstring("return 1 + 1")
print(f())
print(loadstring("syntax error here"))
local parts, i = {"return ", "'pie", "ces'"}, 0
local g = load(function() i = i + 1; return parts[i] end)
print(g())
local h = load(function() return nil end)
print(type(h), h and h())
local chunkname_test = loadstring("error('x')", "=custom name")
print(pcall(chunkname_test))
-- a chunk loaded from a reader that errors
print(pcall(load, function() error("reader failed", 0) end))
-- loadstring chunks are vararg functions
print(loadstring("return select('#', ...)")(1, 2, 3))
-- unpack is a global in 5.1
print(unpack({1, 2, 3}, 1, 2))
-- tostring/tonumber roundtrip
for _, v in ipairs({0, 1.5, -2, 1e100, 123456789}) do print(v, tonumber(tostring(v)) == v) end
-- gcinfo and newproxy
print(type(gcinfo()), type(newproxy(true)), pcall(newproxy, 1))
-- print calls tostring on each argument, separated by tabs
local tostring_calls = 0
local old = tostring
tostring = function(v) tostring_calls = tostring_calls + 1; return old(v) end
print(1, "two", nil)
tostring = old
print(tostring_calls)
-- print with no arguments prints an empty line
print()
