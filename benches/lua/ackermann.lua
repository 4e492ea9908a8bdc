-- bench: full=8 quick=6
-- Ackermann(3, N), repeated: deep non-tail recursion.
local N = tonumber(arg and arg[1]) or 8
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
local sum = 0
for i = 1, 10 do sum = sum + ack(3, N) + ack(2, i) end
print(string.format("ack(3,%d) = %d, checksum %d", N, ack(3, N), sum))
