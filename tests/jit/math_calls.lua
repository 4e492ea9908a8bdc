-- math functions in traces: inline ones (floor, ceil, sqrt, abs, min, max) and those
-- called out of line (sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, log,
-- log10, pow, fmod, atan2, ldexp, deg, rad), compared bit for bit with the interpreter
-- (%a prints every bit), with values live across the calls and exits around them.

local sin, cos, tan, exp, log, log10 = math.sin, math.cos, math.tan, math.exp, math.log, math.log10
local asin, acos, atan, atan2 = math.asin, math.acos, math.atan, math.atan2
local sinh, cosh, tanh = math.sinh, math.cosh, math.tanh
local fmod, pow, ldexp, deg, rad = math.fmod, math.pow, math.ldexp, math.deg, math.rad

-- A reference computed by the interpreter: calling a Lua function (`id`) aborts the
-- recording of these loops, so the trace's results are compared bit for bit with them.
local function id(x) return x end
local function ref1(fn, n, scale, off)
  local s = 0
  for i = 1, n do s = s + fn(id(i) * scale + off) end
  return s
end
local function ref2(fn, n, a, b, y)
  local s = 0
  for i = 1, n do s = s + fn(id(i) * a + b, y) end
  return s
end
local function show(name, x, want)
  print(name, string.format("%.14g", x), want == nil or x == want)
end

-- one accumulator per function: every iteration's result is kept
local s1, s2, s3, s4, s5, s6 = 0, 0, 0, 0, 0, 0
for i = 1, 200 do
  s1 = s1 + sin(i * 0.037 + 0)
  s2 = s2 + cos(i * 0.037 + 0)
  s3 = s3 + tan(i * 0.0037 + 0)
  s4 = s4 + exp(i * -0.037 + 0)
  s5 = s5 + log(i * 0.037 + 0)
  s6 = s6 + log10(i * 0.037 + 1)
end
show("sin", s1, ref1(sin, 200, 0.037, 0)) show("cos", s2, ref1(cos, 200, 0.037, 0))
show("tan", s3, ref1(tan, 200, 0.0037, 0)) show("exp", s4, ref1(exp, 200, -0.037, 0))
show("log", s5, ref1(log, 200, 0.037, 0)) show("log10", s6, ref1(log10, 200, 0.037, 1))

local t1, t2, t3, t4, t5, t6 = 0, 0, 0, 0, 0, 0
for i = 1, 150 do
  t1 = t1 + asin(i * 0.0125 - 0.9375)
  t2 = t2 + acos(i * 0.0125 - 0.9375)
  t3 = t3 + atan(i * 0.04 - 3)
  t4 = t4 + sinh(i * 0.0125 - 0.9375)
  t5 = t5 + cosh(i * 0.0125 - 0.9375)
  t6 = t6 + tanh(i * 0.025 - 1.875)
end
show("asin", t1, ref1(asin, 150, 0.0125, -0.9375)) show("acos", t2, ref1(acos, 150, 0.0125, -0.9375))
show("atan", t3, ref1(atan, 150, 0.04, -3)) show("sinh", t4, ref1(sinh, 150, 0.0125, -0.9375))
show("cosh", t5, ref1(cosh, 150, 0.0125, -0.9375)) show("tanh", t6, ref1(tanh, 150, 0.025, -1.875))

-- two-argument helpers, through the math table (the global read is an entry assumption)
local u1, u2, u3, u4, u5, u6 = 0, 0, 0, 0, 0, 0
for i = 1, 120 do
  u1 = u1 + math.fmod(i * 1.7 + 0, 3.3)
  u2 = u2 + math.atan2(i * 1 - 60, 17)
  u3 = u3 + pow(i * 0.01 + 1, 1.5)
  u4 = u4 + ldexp(i * 1 + 0.5, -3)
  u5 = u5 + deg(i * 1 + 0)
  u6 = u6 + rad(i * 1 + 0)
end
show("fmod", u1, ref2(math.fmod, 120, 1.7, 0, 3.3))
show("atan2", u2, ref2(math.atan2, 120, 1, -60, 17))
show("pow", u3, ref2(pow, 120, 0.01, 1, 1.5))
show("ldexp", u4, ref2(ldexp, 120, 1, 0.5, -3))
show("deg", u5, ref1(deg, 120, 1, 0)) show("rad", u6, ref1(rad, 120, 1, 0))

-- many values live across several calls (callee-saved registers, spills)
local a, b, c, d, e, f, g, h = 1, 2, 3, 4, 5, 6, 7, 8
for i = 1, 100 do
  local k = sin(i) + cos(a)
  a = b + k * 0.001
  b = c + exp(-i)
  c = d - log(i)
  d = e + atan2(a, b)
  e = f * 0.5 + math.sqrt(i)
  f = g + fmod(i, 7)
  g = h - tanh(c)
  h = a + b + c + d
end
show("live", a + b + c + d + e + f + g + h)

-- exits next to calls: a branch after the call, a NaN result, and a function that is
-- replaced between runs (the entry check sees another function: not entered)
local nans, big = 0, 0
local function probe(n)
  for i = 1, n do
    local v = log(i - 5)
    if v ~= v then nans = nans + 1 elseif v > 2 then big = big + 1 end
  end
end
probe(30)
print("probe", nans, big)
local r = 0
local function run(n) for i = 1, n do r = r + math.sin(i) end return r end
show("run", run(50))
local saved = math.sin
math.sin = function(x) return 1 end
show("replaced", run(10))
math.sin = saved
show("restored", run(10))

-- exact bits of special values
local z = 0
for i = 1, 10 do z = z + cos(1e300) + exp(800) * 0 + log(0) * 0 end
print("special", z ~= z)
local m = 0
for i = 1, 50 do m = m + math.floor(i / 3) + math.ceil(-i / 4) + math.abs(-i) + math.min(i, 20) + math.max(i, 30) + math.sqrt(i) end
show("inline", m)

-- a function held in a register: its identity is guarded (the guard exits when the
-- register holds another function, here from the 21st iteration on and on the next call)
local function pick(n, fa, fb)
  local fn, w = fa, 0
  for i = 1, n do
    w = w + fn(i * 0.5)
    if i == 20 then fn = fb end
  end
  return w
end
show("pick", pick(40, sin, cos))
show("pick", pick(40, tan, exp))
show("pick", pick(40, sin, cos))
