-- Closures, shared upvalues, fresh upvalues per loop iteration.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get(), inc(), get())
local inc2 = counter()
print(inc2(), get())

-- numeric for: one fresh local per iteration
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())

-- generic for: fresh locals per iteration
local gs = {}
for k, v in ipairs({"a", "b", "c"}) do gs[k] = function() return k .. v end end
print(gs[1](), gs[2](), gs[3]())

-- while loop with a local declared inside: fresh per iteration
local hs, j = {}, 1
while j <= 3 do
  local jj = j
  hs[j] = function() jj = jj * 10; return jj end
  j = j + 1
end
print(hs[1](), hs[1](), hs[2](), hs[3]())

-- repeat: the body's locals are visible in the condition
local r = 0
repeat local done = r >= 2; r = r + 1 until done
print(r)

-- sibling closures share one upvalue, even after the scope closes
local set, show
do
  local shared = "start"
  set = function(v) shared = v end
  show = function() return shared end
end
set("changed")
print(show())

-- upvalue of upvalue
local function outer()
  local x = 1
  return function()
    return function() x = x + 1; return x end
  end
end
local mk = outer()
local f1, f2 = mk(), mk()
print(f1(), f2(), f1())

-- closures capturing loop variables that are modified inside the body
local ks = {}
for i = 1, 3 do
  local captured = i
  ks[#ks + 1] = function() captured = captured + 100; return captured end
  i = i * 2 -- assigning the copy does not change the loop
end
print(ks[1](), ks[1](), ks[3]())

-- break out of a loop closes the upvalue
local bs = {}
for i = 1, 10 do
  bs[#bs + 1] = function() return i end
  if i == 2 then break end
end
print(#bs, bs[1](), bs[2]())

-- recursive local function
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(10))
local fib
fib = function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
