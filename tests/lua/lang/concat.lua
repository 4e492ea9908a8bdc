-- Concatenation: chains, numbers, long strings, building strings in loops.
local a, b, c = "a", "b", "c"
print(a .. b .. c, a .. 1 .. 2.5, 1 .. 2, -1 .. -2)
local parts = {}
for i = 1, 10 do parts[#parts + 1] = "p" .. i end
print(table.concat(parts))
local s = ""
for i = 1, 1000 do s = s .. (i % 10) end
print(#s, s:sub(1, 12), s:sub(-3))
local chain = a .. b .. c .. a .. b .. c .. a .. b .. c .. a .. b .. c .. a .. b .. c .. a .. b .. c
print(chain, #chain)
local big = string.rep("x", 100000) .. string.rep("y", 100000)
print(#big, big:sub(99999, 100002))
print(("x"):rep(3) .. ("y"):rep(2), "" .. "", #("" .. ""))
local n = 0.1
print(n .. "", 1e20 .. "", 2^53 .. "", 1/3 .. "")
print(pcall(function() return "x" .. {} end))
print(pcall(function() return "x" .. nil .. "y" end))
print(pcall(function() local t = {}; return t.field .. "y" end))
