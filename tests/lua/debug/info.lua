-- debug.getinfo and debug.traceback (the fields crescent supports).
local info = debug.getinfo(1, "Sl")
print(info.short_src, info.source, info.what, info.currentline)
local function named() local i = debug.getinfo(1, "nSl"); return i.name, i.what, i.currentline end
print(named())
local t = {}
function t.field() local i = debug.getinfo(1, "n"); return i.name, i.namewhat end
print(t.field())
print(debug.getinfo(print, "S").what, debug.getinfo(print, "S").short_src)
local function depth2() return debug.getinfo(2, "l").currentline end
print(depth2())
print(debug.getinfo(100))
local tb = debug.traceback("message here")
print(tb:match("^message here\nstack traceback:\n") ~= nil)
print(tb:find("debug/info.lua:13: in main chunk", 1, true) ~= nil)
local function inner() local s = debug.traceback("x", 1); return s end
local function outer() return inner() .. "" end
local tb2 = outer()
print(tb2:find("in function 'inner'", 1, true) ~= nil or tb2:find("in function <", 1, true) ~= nil)
local tt = {}
print(debug.traceback(tt) == tt, type(debug.traceback()))
local f = loadstring("local i = debug.getinfo(1, 'S'); return i", "=(custom)")
print(f().short_src, f().source, f().what)
local g = loadstring("local i = debug.getinfo(1, 'S'); return i", "return 1")
print(g().short_src, g().source)
