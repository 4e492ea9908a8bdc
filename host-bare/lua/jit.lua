-- Hot loops for the trace JIT. The firmware test runs this with -jv on bare metal: traces must
-- be compiled (and run from the W^X code region), and the output must equal luajit's.
local s = 0
for i = 1, 300000 do s = s + i % 7 end
print("mod sum", s)

local x = 0.5
for i = 1, 100000 do x = x * 0.999999 + 0.25 end
print("float", x)

local total = 0
for n = 1, 3000 do
  local k, steps = n, 0
  while k ~= 1 do
    if k % 2 == 0 then k = k / 2 else k = 3 * k + 1 end
    steps = steps + 1
  end
  total = total + steps
end
print("collatz", total)

local a, b = 0, 1
for i = 1, 70 do a, b = b, a + b end
print("fib", a)
