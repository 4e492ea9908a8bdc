-- bench: full=35 quick=24
-- Naive recursive Fibonacci: call/return and integer-valued arithmetic.
local N = tonumber(arg and arg[1]) or 35
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(string.format("fib(%d) = %d", N, fib(N)))
