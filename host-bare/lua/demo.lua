-- Runs on the bare-metal firmware and under luajit; the firmware test compares the outputs.
-- Exercises tables, closures, strings, varargs, metatables, pcall and the GC.

local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
print("closures", c1(), c2())

local t = {}
for i = 1, 100 do t[i] = i * i end
local sum = 0
for _, v in ipairs(t) do sum = sum + v end
print("array", #t, sum)

local words = {}
for w in string.gmatch("the quick brown fox jumps over the lazy dog", "%a+") do
  words[#words + 1] = w
end
table.sort(words)
print("sorted", table.concat(words, ","))

local counts = {}
for _, w in ipairs(words) do counts[w] = (counts[w] or 0) + 1 end
print("the", counts.the, "fox", counts.fox)

print("format", string.format("%5.2f|%-4s|%d|%x", math.pi, "ab", 42, 255))
print("string", ("crescent"):upper(), ("abc"):rep(3), ("hello"):sub(2, 4), #"moon")

local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, Vec) end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
local function vec(x, y) return setmetatable({x = x, y = y}, Vec) end
print("meta", tostring(vec(1, 2) + vec(3, 4)))

local function va(...) return select("#", ...), ... end
print("varargs", va(1, nil, 3))

print("pcall", pcall(function() error("boom", 0) end))
print("pcall", pcall(function() local x = nil; return x.field end))

-- Garbage: many short-lived tables and strings, then a full collection.
local keep = {}
for i = 1, 20000 do
  local tmp = {i, tostring(i), {i}}
  if i % 1000 == 0 then keep[#keep + 1] = tmp[2] end
end
collectgarbage("collect")
print("gc", #keep, keep[20], collectgarbage("count") > 0)

local fib
fib = function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(20))
