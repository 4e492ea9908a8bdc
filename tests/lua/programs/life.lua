-- Conway's game of life on a small torus, printing a few generations.
local W, H = 12, 8
local function new() local g = {}; for y = 1, H do g[y] = {}; for x = 1, W do g[y][x] = 0 end end; return g end
local g = new()
g[2][3] = 1; g[3][4] = 1; g[4][2] = 1; g[4][3] = 1; g[4][4] = 1 -- glider
g[6][8] = 1; g[6][9] = 1; g[6][10] = 1                           -- blinker
local function step(cur)
  local nxt = new()
  for y = 1, H do
    for x = 1, W do
      local n = 0
      for dy = -1, 1 do
        for dx = -1, 1 do
          if dx ~= 0 or dy ~= 0 then n = n + cur[(y + dy - 1) % H + 1][(x + dx - 1) % W + 1] end
        end
      end
      local alive = cur[y][x] == 1
      nxt[y][x] = ((alive and (n == 2 or n == 3)) or (not alive and n == 3)) and 1 or 0
    end
  end
  return nxt
end
local function show(grid)
  local rows = {}
  for y = 1, H do
    local r = {}
    for x = 1, W do r[x] = grid[y][x] == 1 and "#" or "." end
    rows[y] = table.concat(r)
  end
  return table.concat(rows, "\n")
end
for gen = 0, 4 do
  print("generation " .. gen)
  print(show(g))
  g = step(g)
end
