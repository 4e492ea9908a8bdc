-- Mandelbrot escape counts (the inner while loop becomes the trace).
local N = 40
local total = 0
local rows = {}
for y = 0, N - 1 do
  local ci = 2 * y / N - 1
  local row = 0
  for x = 0, N - 1 do
    local cr = 2 * x / N - 1.5
    local zr, zi = 0, 0
    local i = 0
    while i < 100 do
      local tr = zr * zr - zi * zi + cr
      zi = 2 * zr * zi + ci
      zr = tr
      if zr * zr + zi * zi > 4 then break end
      i = i + 1
    end
    row = row + i
  end
  total = total + row
  if y % 8 == 0 then print(y, row) end
end
print(total)
