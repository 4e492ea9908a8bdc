-- error with any value, levels, positions; pcall/xpcall results.
print(pcall(error, "msg"))
print(pcall(error, "msg", 0))
print(pcall(function() error("lvl1") end))
print(pcall(function() error("lvl1", 1) end))
local function thrower(level) error("from thrower", level) end
local function caller(level) thrower(level) end
print(pcall(caller, 1))
print(pcall(caller, 2))
print(pcall(caller, 3))
print(pcall(function() error() end))
print(pcall(function() error(nil) end))
print(pcall(function() error(42) end))
print(pcall(function() error(true) end))
local t = {}
local ok, e = pcall(function() error(t) end)
print(ok, e == t)
local ok2, e2 = pcall(function() error(setmetatable({}, {__tostring = function() return "custom" end})) end)
print(ok2, tostring(e2))
-- numbers as messages get a position (they are strings to luaL_where)
print(pcall(function() error(42, 1) end))
-- pcall returns all results on success
print(pcall(function(...) return ... end, 1, 2, 3))
print(pcall(print == nil))
print(select("#", pcall(function() end)))
-- nested pcall
print(pcall(pcall, error, "x"))
print(pcall(function() local ok3, e3 = pcall(error, "inner"); error("outer:" .. e3, 0) end))
-- xpcall with a handler: the handler gets the message, its result replaces it
print(xpcall(function() error("boom") end, function(m) return "handled: " .. m end))
print(xpcall(function() return "fine", 2 end, print))
print(xpcall(function() error({1, 2}) end, function(m) return type(m), #m end))
print(xpcall(function() local x = nil; return x.y end, function(m) return m:upper() end))
-- the handler runs at the error point: debug.traceback is a common handler
local ok4, tb = xpcall(function() error("traced") end, debug.traceback)
print(ok4, tb:match("^[^\n]*"), tb:find("stack traceback:", 1, true) ~= nil)
-- assert
print(pcall(assert, false))
print(pcall(assert, nil, "assert message"))
print(pcall(assert, 1, 2, 3))
print(pcall(assert, false, 42))
print(select("#", assert(true, nil, nil)))
-- error in __tostring during tostring
print(pcall(tostring, setmetatable({}, {__tostring = function() error("ts fail", 0) end})))
-- runtime errors in a loaded chunk carry its chunk name
print(pcall(loadstring("local x = nil; return x.f", "=mychunk")))
print(pcall(loadstring("local x = nil\n\nreturn x.f", "@file.lua")))
print(pcall(loadstring("return nil + 1")))
print(pcall(loadstring("x = 1\nreturn nil + 1", "two\nlines")))
