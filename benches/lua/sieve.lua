-- bench: full=2000000 quick=100000
-- Sieve of Eratosthenes up to N, run three times: array stores and loads.
local N = tonumber(arg and arg[1]) or 2000000
local count, last
for _ = 1, 3 do
  local composite = {}
  for i = 1, N do composite[i] = false end
  count, last = 0, 0
  for i = 2, N do
    if not composite[i] then
      count = count + 1
      last = i
      for j = i * i, N, i do composite[j] = true end
    end
  end
end
print(string.format("primes up to %d: %d, largest %d", N, count, last))
