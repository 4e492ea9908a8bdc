-- Yielding inside metamethods: each kind of instruction that calls a metamethod is
-- finished with the value the metamethod returns after the coroutine resumes (LuaJIT
-- runs metamethods as resumable frames; PUC 5.1 raises "attempt to yield across
-- metamethod/C-call boundary" here).

local function drive(name, f, ...)
  local co = coroutine.create(f)
  local out = {}
  local args = {...}
  local r = {coroutine.resume(co)}
  local k = 1
  while coroutine.status(co) == "suspended" do
    out[#out + 1] = tostring(r[2])
    r = {coroutine.resume(co, args[k])}
    k = k + 1
  end
  print(name, "yields:", table.concat(out, ","):gsub("table: 0x%x+", "table"), "->", tostring(r[1]), tostring(r[2]), tostring(r[3]))
end

local Y = coroutine.yield

-- __index (GETTABLE, SELF, GETGLOBAL through an environment)
local idx = setmetatable({}, {__index = function(t, k) return Y("index " .. k) end})
drive("index", function() local v = idx.foo; return v, idx[1] end, "A", "B")
local obj = setmetatable({}, {__index = function(t, k) Y("self " .. k); return function(self, x) return x * 2 end end})
drive("self", function() return obj:twice(21) end, "ignored")
drive("getglobal", function()
  local env = setmetatable({}, {__index = function(t, k) return Y("global " .. k) end})
  local f = setfenv(function() return undefined_name end, env)
  return f()
end, "G")

-- __newindex (SETTABLE, SETGLOBAL)
local store = {}
local ni = setmetatable({}, {__newindex = function(t, k, v) Y("newindex " .. k); rawset(store, k, v) end})
drive("newindex", function() ni.a = 1; ni.b = 2; return store.a + store.b end)
drive("setglobal", function()
  local env = setmetatable({}, {__newindex = function(t, k, v) Y("setglobal " .. k); rawset(t, k, v * 10) end})
  local f = setfenv(function() gx = 4; return gx end, env)
  return f()
end)

-- arithmetic, unary minus, length
local V = {}
V.__index = V
local function vec(x) return setmetatable({x = x}, V) end
V.__add = function(a, b) return vec(Y("add") + a.x + b.x) end
V.__sub = function(a, b) return vec(a.x - b.x - Y("sub")) end
V.__mul = function(a, b) return Y("mul") end
V.__div = function(a, b) return Y("div") end
V.__mod = function(a, b) return Y("mod") end
V.__pow = function(a, b) return Y("pow") end
V.__unm = function(a) return vec(-a.x * Y("unm")) end
V.__len = function(a) return Y("len") end
drive("arith", function()
  local a, b = vec(1), vec(2)
  local c = a + b
  local d = c - a
  return c.x, d.x, (a * b) .. (a / 2) .. (3 % b) .. (a ^ b)
end, 100, 7, "m", "d", "o", "p")
drive("unm len", function() local a = vec(3); return (-a).x, #a end, 2, 99)

-- comparisons: the result decides the jump
local C = {}
C.__eq = function(a, b) return Y("eq") end
C.__lt = function(a, b) return Y("lt") end
C.__le = function(a, b) return Y("le") end
local p, q = setmetatable({}, C), setmetatable({}, C)
drive("cmp", function()
  local r = {}
  r[1] = p == q
  r[2] = p ~= q
  r[3] = p < q
  r[4] = not (p < q)
  r[5] = p <= q
  r[6] = p > q
  if p == q then r[7] = "then" else r[7] = "else" end
  while p < q do r[8] = (r[8] or 0) + 1 end
  return table.concat({tostring(r[1]), tostring(r[2]), tostring(r[3]), tostring(r[4]),
    tostring(r[5]), tostring(r[6]), r[7], tostring(r[8])}, " ")
end, true, false, 1, nil, false, "yes", true, true, true, false)

-- __le missing: a <= b is not (b < a)
local D = {__lt = function(a, b) return Y("lt for le") end}
local m, n = setmetatable({}, D), setmetatable({}, D)
drive("le via lt", function() return m <= n, m >= n end, true, false)

-- __concat, with strings and numbers around the operands that need it
local S = {}
S.__concat = function(a, b)
  local x = type(a) == "table" and a.s or a
  local y = type(b) == "table" and b.s or b
  return Y("concat " .. x .. "+" .. y) or (x .. y)
end
local s1, s2 = setmetatable({s = "<1>"}, S), setmetatable({s = "<2>"}, S)
drive("concat", function()
  return "a" .. s1 .. "b" .. 1 .. s2 .. "c"
end, nil, nil, nil)
drive("concat2", function() local t = s1 .. s2; return t end, "joined")

-- the metamethod yields several times, calls functions, and is itself a coroutine body
local deep = setmetatable({}, {__index = function(t, k)
  local acc = 0
  for i = 1, 3 do acc = acc + Y(k .. i) end
  return acc
end})
drive("many", function() return deep.x + deep.y end, 1, 2, 3, 10, 20, 30)

-- nested: a metamethod whose body triggers another metamethod that yields
local inner = setmetatable({}, {__index = function(t, k) return Y("inner " .. k) end})
local outer = setmetatable({}, {__index = function(t, k) return inner[k] .. "!" end})
drive("nested", function() return outer.z end, "Z")

-- a metamethod that tail-calls yield, or is yield itself
local tail = setmetatable({}, {__index = function(t, k) return Y("tail " .. k) end})
drive("tail", function() return tail.q end, "T")
local direct = setmetatable({}, {__index = coroutine.yield})
drive("direct", function() return direct.w end, "W")
drive("direct 2", function() local r = {pcall(coroutine.yield, "p")} return r[1], r[2] end, "P")

-- errors inside the metamethod after a resume are catchable, and reach pcall
local bad = setmetatable({}, {__index = function(t, k) Y("before error"); error("boom " .. k, 0) end})
drive("error", function() return pcall(function() return bad.e end) end)
drive("error uncaught", function() return bad.u end)

-- pcall inside the metamethod, across the yield
local guarded = setmetatable({}, {__index = function(t, k)
  return select(2, pcall(function() return Y("guarded") end))
end})
drive("pcall inside", function() return guarded.g end, "OK")

-- yields in metamethods inside a loop, many times (frames do not pile up)
local counter = setmetatable({}, {__index = function(t, k) return Y(k) end})
drive("loop", function()
  local s = 0
  for i = 1, 50 do s = s + counter[i] end
  return s
end, unpack((function() local r = {} for i = 1, 50 do r[i] = i end return r end)()))

-- metamethods without yields work outside coroutines, and errors keep positions
local W = {__add = function(a, b) return a.x + b.x end, __index = function(t, k) return k .. "?" end}
local w1, w2 = setmetatable({x = 1}, W), setmetatable({x = 2}, W)
print(w1 + w2, w1.nope, w2[3])
local E = setmetatable({}, {__add = function() error("in add") end})
print(pcall(function() return E + 1 end))
print(pcall(function() return setmetatable({}, {__index = function() local x = nil; return x.y end}).k end))
print(pcall(function() local t = setmetatable({}, {__concat = function(a, b) return nil end}); return "x" .. t .. "y" end))

-- a long chain of `..` whose every step yields
local L = {}
L.__concat = function(a, b)
  local x = type(a) == "table" and a.s or a
  local y = type(b) == "table" and b.s or b
  Y("step")
  return setmetatable({s = x .. y}, L)
end
drive("long concat", function()
  local p = {}
  for i = 1, 8 do p[i] = setmetatable({s = tostring(i)}, L) end
  local r = p[1] .. p[2] .. "-" .. p[3] .. p[4] .. 5 .. p[5] .. p[6] .. p[7] .. "x" .. "y" .. p[8]
  return r.s
end)

-- the step after a `__concat` fails: the error is the caller's, catchable by pcall
local T = setmetatable({}, {__concat = function(a, b) Y("half") return {} end})
drive("concat error", function() return pcall(function() return 1 .. T .. "y" end) end)
print(pcall(function() local U = setmetatable({}, {__concat = function() return {} end}) return 1 .. U .. "y" end))

-- a coroutine abandoned while suspended inside a metamethod is collected
do
  local co = coroutine.create(function() return idx.never end)
  print(coroutine.resume(co))
  co = nil
  collectgarbage()
  collectgarbage()
  print("collected")
end

-- upvalues of a metamethod that yields stay shared and are closed on return
drive("upvalues", function()
  local n = 0
  local up = setmetatable({}, {__index = function(t, k)
    n = n + 1
    local before = n
    Y(k)
    return before * 100 + n
  end})
  local a = up.a
  local b = up.b
  return a, b, n
end, nil, nil)

-- a comparison metamethod in a loop condition, yielding each time
drive("loop cond", function()
  local lim = setmetatable({}, {__lt = function(a, b) return Y("cmp") end})
  local x, k = setmetatable({}, getmetatable(lim)), 0
  while x < lim do k = k + 1 end
  return k
end, true, true, 1, false)

-- wrap, and a metamethod on the main thread after all this
local gen = coroutine.wrap(function() local v = idx.w; return "got " .. v end)
print(gen(), gen("V"))
print(w1 + w2, w1.again)

-- later steps of a `..` whose handler is not a Lua function can yield too
local callable = setmetatable({}, {__call = function(self, a, b) return coroutine.yield("y") end})
local tc = setmetatable({}, {__concat = callable})
local co2 = coroutine.wrap(function() return tc .. "x" .. tc .. "y" end)
print(pcall(co2)) print(pcall(co2, "R1")) print(pcall(co2, "R2"))
local ty = setmetatable({}, {__concat = coroutine.yield})
drive("native concat", function() local r = ty .. 1 .. ty .. 2; return r end, "S1", "S2")

-- an xpcall handler that runs above a metamethod's continuation returns to xpcall
local nc = setmetatable({}, {__add = 7})
print(xpcall(function() return nc + 1 end, function(m) return "handled" end))
print(xpcall(function() return nc + 1 end, function(m) return "handled " .. type(m) end))
