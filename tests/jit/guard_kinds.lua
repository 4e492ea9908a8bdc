-- One loop per guard kind. Each guard holds while its loop is recorded and fails later
-- (at some iteration, or on a later call's entry), so its exit is taken and the
-- interpreter finishes the work; the results printed show every path was exact.

local function comparisons(n, k)  -- <, <=, >, >=, ==, ~= each flip at i == k
  local c1, c2, c3, c4, c5, c6 = 0, 0, 0, 0, 0, 0
  for i = 1, n do
    if i < k then c1 = c1 + i end
    if i <= k then c2 = c2 + i end
    if k > i then c3 = c3 + 1 end
    if k >= i then c4 = c4 + 1 end
    if i == k then c5 = c5 + 1 end
    if i ~= k then c6 = c6 + 1 end
  end
  return c1, c2, c3, c4, c5, c6
end
for _, k in ipairs({100, 10, 1, 2, 3, 0, 50}) do print("cmp", k, comparisons(50, k)) end

local function reversed(n, k)  -- the same relations recorded on their false side
  local c1, c2, c3, c4 = 0, 0, 0, 0
  for i = 1, n do
    if not (i < k) then c1 = c1 + i end
    if not (i <= k) then c2 = c2 + i end
    if not (i == k) then c3 = c3 + 1 else c4 = c4 + 1 end
  end
  return c1, c2, c3, c4
end
for _, k in ipairs({0, 10, 1, 49, 50, 51}) do print("rev", k, reversed(50, k)) end

local nan = 0 / 0
local function unordered(t, n)  -- comparisons with NaN operands (read from an array)
  local lt, le, gt, ge, eq, ne = 0, 0, 0, 0, 0, 0
  for i = 1, n do
    local v = t[i]
    if v < 3 then lt = lt + 1 end
    if v <= 3 then le = le + 1 end
    if v > 3 then gt = gt + 1 end
    if v >= 3 then ge = ge + 1 end
    if v == v then eq = eq + 1 end
    if v ~= 3 then ne = ne + 1 end
  end
  return lt, le, gt, ge, eq, ne
end
local vals = {}
for i = 1, 40 do vals[i] = (i % 7 == 0) and nan or (i % 5) end
print("nan", unordered(vals, 40))
print("nan", unordered({nan, nan, 1, 2, 3, 4, 5, 6}, 8))
print("nan", unordered({1, 2, 3, 4, 5, 6, nan, 3}, 8))

local function bounds(t, n)  -- array bounds: the index leaves the array part
  local s, misses = 0, 0
  for i = 1, n do
    local v = t[i]
    if v then s = s + v else misses = misses + 1 end
  end
  return s, misses
end
local arr = {}
for i = 1, 30 do arr[i] = i * i end
print("bounds", bounds(arr, 30), bounds(arr, 35), bounds(arr, 30), bounds({5, 6}, 4))

local function element_type(t, n)  -- an array element changes type between calls
  local last, cnt = nil, 0
  for i = 1, n do
    last = t[i]
    cnt = cnt + i
  end
  return last, cnt
end
local mixed = {}
for i = 1, 20 do mixed[i] = i + 0.5 end
print("elem", element_type(mixed, 20))
mixed[7] = "seven"
print("elem", element_type(mixed, 8), element_type(mixed, 20))
mixed[20] = true
print("elem", element_type(mixed, 20))
mixed[7], mixed[20] = 7, 20
print("elem", element_type(mixed, 20))

local function fields(p, n)  -- a field read: another table, another layout
  local s = 0
  for i = 1, n do s = s + p.x * i + p.y end
  return s
end
print("field", fields({x = 1, y = 2}, 20))
print("field", fields({x = 3, y = 4}, 20))
print("field", fields({y = 5, x = 7}, 20))
print("field", fields({z = 0, x = 0.5, y = -1}, 20))

local function index_conv(t, k, n)  -- a number index that is not an integer
  local s = 0
  for i = 1, n do s = s + t[k] * i end
  return s
end
local tk = {10, 20, 30}
tk[2.5] = 1000
print("conv", index_conv(tk, 2, 20), index_conv(tk, 2.5, 20), index_conv(tk, 3, 20))

local function step_sign(a, b, step)  -- the step's sign is guarded at entry
  local s, cnt = 0, 0
  for i = a, b, step do s = s + i; cnt = cnt + 1 end
  return s, cnt
end
print("step", step_sign(1, 30, 1), step_sign(30, 1, -1), step_sign(1, 30, 2.5),
      step_sign(1, 30, -1), step_sign(5, 1, 1))

local function slot_types(n, x)  -- SLOAD type checks: a slot of each type
  local s, seen = 0, 0
  for i = 1, n do
    s = s + i
    if x then seen = seen + 1 end
  end
  return s, seen
end
for _, x in ipairs({1, 2, "str", true, false, {}, 3}) do print("slot", slot_types(20, x)) end
print("slot", slot_types(20, nil))
