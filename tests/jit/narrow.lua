-- Numeric for loops with integer index, limit and step run with an integer index in
-- traces: array reads use it directly, arithmetic converts it. Entries with values the
-- integer trace cannot take (fractions, huge numbers, a limit whose next step would
-- overflow 32 bits) exit at the FORLOOP and the interpreter continues exactly.
local t = {}
for i = 1, 64 do t[#t + 1] = i * 1.5 end

local function sum(lo, hi, step)
  local s = 0
  for i = lo, hi, step do
    local v = t[i]
    if v then s = s + v else s = s + 0.25 end
  end
  return s
end
print("up", sum(1, 64, 1), sum(2, 64, 3), sum(1, 70, 1))
print("down", sum(64, 1, -1), sum(60, -5, -7))
print("fractions", sum(1, 10.5, 1), sum(1, 10, 0.5), sum(0.5, 10, 1))

local function float_use(lo, hi, step)
  local s = 0
  for i = lo, hi, step do s = s + i * 0.5 + 1 / (i + 0.5) + (t[i] or 0) end
  return s
end
print("float", float_use(1, 200, 1), float_use(-100, 100, 7), float_use(100, 1, -3))

-- limits near the 32-bit edge: the loop keeps counting past 2^31 in the interpreter
-- (the body indexes with `i` on a path never taken, so the index is narrowed)
local function count(lo, hi, step)
  local n, last = 0, nil
  for i = lo, hi, step do
    if i == 0.5 then n = n + t[i] end
    n = n + 1
    last = i
  end
  return n, last
end
print("count", count(1, 100, 1))
print("edge", count(2147483600, 2147483647, 1))
print("edge", count(2147483600, 2147483660, 1))
print("edge", count(-2147483600, -2147483660, -1))
print("huge", count(2 ^ 40, 2 ^ 40 + 50, 1))
print("huge step", count(1, 2 ^ 33, 2 ^ 31))

-- the index used as a float and as a key in one body, exits in the middle of the body
local marks = {}
for i = 1, 40 do marks[i] = (i % 5 == 0) end
local function mixed(n)
  local acc = 0
  for i = 1, n do
    local m = marks[i]
    if m then acc = acc + i * 100 else acc = acc + i end
  end
  return acc
end
print("mixed", mixed(40), mixed(10))

-- index arithmetic on the integer index (`t[i + k]`, `k` a constant) stays in
-- integers, with an overflow check that exits when `i + k` leaves the 32-bit range
local function ahead(lo, hi)
  local s = 0
  for i = lo, hi do
    local v = t[i + 2]
    if v then s = s + v else s = s + 1 end
  end
  return s
end
local function behind(lo, hi)
  local s = 0
  for i = lo, hi do
    local v = t[i - 3]
    if v then s = s + v * 2 else s = s + 1 end
  end
  return s
end
print("offset", ahead(1, 60), behind(5, 64), ahead(1, 64), behind(1, 64))
-- (the first two enter the linked traces with `i + k` overflowing at once)
print("offset edge", ahead(2147483645, 2147483646), behind(-2147483646, -2147483645))
print("offset edge", ahead(2147483600, 2147483646), behind(-2147483646, -2147483600))
print("offset again", ahead(1, 60), behind(4, 64))
