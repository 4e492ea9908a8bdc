-- bench: full=1200 quick=120
-- Mandelbrot set on an N x N grid: floating-point inner loop with an early exit.
local N = tonumber(arg and arg[1]) or 1200
local iter, limit2 = 50, 4.0
local inside, checksum = 0, 0
for y = 0, N - 1 do
  local ci = 2.0 * y / N - 1.0
  for x = 0, N - 1 do
    local cr = 2.0 * x / N - 1.5
    local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
    local escaped = iter
    for i = 1, iter do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      if zr2 + zi2 > limit2 then escaped = i; break end
    end
    if escaped == iter then inside = inside + 1 end
    checksum = (checksum * 31 + escaped) % 1000000007
  end
end
print(string.format("mandelbrot %d: %d inside, checksum %d", N, inside, checksum))
