-- Table reads in traces: array part (bounds and integer guards), small string map
-- fields (key guard), exits when a read leaves the array or a field changes type.
local t = {}
for i = 1, 100 do t[i] = i * 0.5 end
local s = 0
for i = 1, 100 do s = s + t[i] end
print(s)

-- the index leaves the array part: the bounds guard exits
local u = {1, 2, 3, 4, 5}
local function sum_to(n)
  local acc = 0
  for i = 1, n do
    local v = u[i]
    if v then acc = acc + v else acc = acc + 100 end
  end
  return acc
end
print(sum_to(5), sum_to(8))

-- fractional index: the integer guard exits
local w = {10, 20, 30, 40}
local r = 0
for x = 1, 4, 0.5 do
  local v = w[x]
  if v then r = r + v end
end
print(r)

-- fields of small objects
local p = {x = 1.5, y = 2.5, mass = 3}
local e = 0
for i = 1, 50 do e = e + p.x * i + p.y - p.mass end
print(e)
-- a field changes type between runs
local function energy(o) local k = 0 for i = 1, 10 do k = k + o.mass * i end return k end
print(energy(p))
p.mass = "heavy"
print(pcall(energy, p))
p.mass = 7
print(energy(p))

-- nested arrays (matmul style)
local n = 6
local a, b = {}, {}
for i = 1, n do
  a[i], b[i] = {}, {}
  for j = 1, n do a[i][j] = i + j; b[i][j] = i - j end
end
local tot = 0
for i = 1, n do
  for j = 1, n do
    local acc = 0
    for k = 1, n do acc = acc + a[i][k] * b[k][j] end
    tot = tot + acc
  end
end
print(tot)

-- #t in a loop (a helper call: values live across it stay in callee-saved registers)
local q = {1, 2, 3}
local acc, z = 0, 1.25
for i = 1, 40 do acc = acc + #q * z + i end
print(acc, #q)
