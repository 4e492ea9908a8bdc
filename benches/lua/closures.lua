-- bench: full=3000000 quick=40000
-- Closure-heavy code: closure creation in loops, upvalue reads and writes, higher-order
-- functions (map/filter/fold) and counters sharing upvalues.
local N = tonumber(arg and arg[1]) or 3000000
local function counter()
  local n = 0
  return function(d) n = n + d; return n end, function() return n end
end
local function map(f, t) local r = {}; for i = 1, #t do r[i] = f(t[i]) end; return r end
local function filter(p, t) local r = {}; for i = 1, #t do if p(t[i]) then r[#r + 1] = t[i] end end; return r end
local function fold(f, acc, t) for i = 1, #t do acc = f(acc, t[i]) end; return acc end
local function compose(f, g) return function(x) return f(g(x)) end end
local data = {}
for i = 1, 100 do data[i] = i end
local checksum = 0
local inc, get = counter()
for round = 1, N / 100 do
  local k = round % 7
  local addk = function(x) return x + k end
  local double = function(x) return x * 2 end
  local f = compose(addk, double)
  local mapped = map(f, data)
  local odd = filter(function(x) return x % 2 == 1 end, mapped)
  checksum = (checksum + fold(function(a, b) return a + b end, 0, odd)) % 1000000007
  inc(#odd)
end
for i = 1, N do
  local c = function() return i end
  inc(c() % 3)
end
print(string.format("closures %d: checksum %d, counter %d", N, checksum, get()))
