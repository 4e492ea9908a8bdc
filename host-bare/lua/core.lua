-- The language core on bare metal: only the base and coroutine libraries.
-- Tables, closures, strings, metatables, varargs, errors, coroutines and the GC.
-- The firmware test compares its output with luajit's.

-- closures and upvalues
local function counter(step)
  local n = 0
  return function() n = n + step; return n end, function() n = 0 end
end
local inc, reset = counter(2)
inc(); inc()
local a = inc()
reset()
print("closures", a, inc())

-- shared upvalues in a loop: each iteration gets a fresh local
local fns = {}
for i = 1, 3 do fns[i] = function() return i * 10 end end
print("loop upvalues", fns[1](), fns[2](), fns[3]())

-- tables: array part, hash part, length, next
local t = {}
for i = 1, 1000 do t[i] = i * i end
local sum = 0
for i, v in ipairs(t) do sum = sum + v end
print("array", #t, sum, t[1000])
local h = {alpha = 1, beta = 2, [3.5] = "x", [true] = "yes"}
h.gamma = h.alpha + h.beta
local keys = 0
for k, v in pairs(h) do keys = keys + 1 end
print("hash", keys, h.gamma, h[3.5], h[true], rawget(h, "delta"))

-- strings: concatenation, length, comparison, coercion, interning as keys
local parts = {}
for i = 1, 10 do parts[#parts + 1] = "n" .. i end
local s = ""
for _, p in ipairs(parts) do s = s .. p .. ";" end
print("strings", s, #s, "abc" < "abd", "10" + 5, 2 .. "")
local key = "ga" .. "mma"
print("interned key", h[key])

-- metatables
local Vec = {}
Vec.__index = Vec
Vec.__add = function(p, q) return setmetatable({x = p.x + q.x, y = p.y + q.y}, Vec) end
Vec.__eq = function(p, q) return p.x == q.x and p.y == q.y end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
Vec.__call = function(v, k) return v.x * k end
function Vec.len2(v) return v.x * v.x + v.y * v.y end
local function vec(x, y) return setmetatable({x = x, y = y}, Vec) end
local v = vec(1, 2) + vec(3, 4)
print("meta", tostring(v), v:len2(), v == vec(4, 6), v(10))
local defaults = setmetatable({}, {__index = function(_, k) return k .. "!" end})
print("__index fn", defaults.hello, rawget(defaults, "hello"))

-- varargs and multiple returns
local function va(...) return select("#", ...), ... end
print("varargs", va(1, nil, 3))
local function mr() return 1, 2, 3 end
local packed = {mr(), mr()}
print("multret", #packed, unpack(packed))

-- errors
print("pcall", pcall(error, "boom", 0))
print("pcall", pcall(function() local x = nil; return x.field end))
print("error table", select(2, pcall(error, {code = 42})).code)
print("xpcall", xpcall(function() error("deep") end, function(m) return "handled: " .. m end))

-- coroutines
local gen = coroutine.wrap(function(n)
  for i = 1, n do coroutine.yield(i * i) end
  return "done"
end)
print("coroutine", gen(4), gen(), gen(), gen(), gen())
local co = coroutine.create(function(x) local y = coroutine.yield(x + 1); error("in co " .. y) end)
print("resume", coroutine.resume(co, 1))
print("resume", coroutine.resume(co, "z"))
print("status", coroutine.status(co))

-- tail calls do not grow the stack
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print("tail calls", loop(100000, 0))

-- the GC: garbage in a loop, weak tables, then a full collection
local keep = {}
for i = 1, 20000 do
  local tmp = {i, tostring(i), {i}}
  if i % 1000 == 0 then keep[#keep + 1] = tmp[2] end
end
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
weak[keep] = 2
collectgarbage("collect")
local n = 0
for _ in pairs(weak) do n = n + 1 end
print("gc", #keep, keep[20], n, collectgarbage("count") > 0)

local fib
fib = function(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
print("fib", fib(20))
