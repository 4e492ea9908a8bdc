-- Guard exits: from the first iteration, from the middle of the body, branch flips,
-- type changes of a slot, loop exits with the restored state checked afterwards.
local function first_iteration_exit()
  local x = 0
  local y = 1
  for i = 1, 10 do
    -- the comparison flips after the trace was recorded on i == 1
    if i > 1 then y = y + 1000 else y = y + 1 end
    x = x + y
  end
  return x, y
end
print(first_iteration_exit())

local function middle_exit()
  local a, b, c = 0, 0, 0
  for i = 1, 100 do
    a = a + i
    if i == 57 then b = a * 2 end   -- exit in the middle, state of a must be exact
    c = c + a - b
  end
  return a, b, c
end
print(middle_exit())

local function type_change()
  local v = 1
  local s = 0
  for i = 1, 20 do
    s = s + i
    if i == 10 then v = "str" end   -- a slot changes type: the trace must leave
  end
  return s, v
end
print(type_change())

local function nan_and_negzero()
  local z = 0
  local r = {}
  for i = 1, 5 do
    z = -z * 0
    local n = (i - i) / (i - i)
    r[#r + 1] = 1 / z
    r[#r + 1] = n ~= n
  end
  return table.concat({tostring(r[1]), tostring(r[2]), tostring(r[9])}, " ")
end
print(nan_and_negzero())

local function while_break()
  local i, s = 0, 0
  while true do
    i = i + 1
    s = s + math.floor(i / 3) + math.sqrt(i) + math.abs(-i) + math.max(i, 7) + math.min(i, 3, 2)
    if s > 5000 then break end
  end
  return i, s
end
print(while_break())

local function mod_pow()
  local s = 0
  for i = 1, 200 do s = s + (i % 7) + (i % -3) + (-i % 5) + 2 ^ (i % 5) + i ^ 0.5 end
  return s
end
print(mod_pow())

local function upvalue_and_global()
  G_SCALE = 3
  local s = 0
  for i = 1, 100 do s = s + i * G_SCALE + math.pi end
  G_SCALE = 4
  for i = 1, 100 do s = s + i * G_SCALE end
  return s
end
print(upvalue_and_global())

local function pressure()
  local a1, a2, a3, a4, a5, a6, a7, a8 = 1, 2, 3, 4, 5, 6, 7, 8
  local b1, b2, b3, b4, b5, b6, b7, b8 = 1, 2, 3, 4, 5, 6, 7, 8
  local c1, c2, c3, c4, c5, c6, c7, c8 = 1, 2, 3, 4, 5, 6, 7, 8
  local d1, d2, d3, d4, d5, d6, d7, d8 = 1, 2, 3, 4, 5, 6, 7, 8
  for i = 1, 50 do
    a1, a2, a3, a4, a5, a6, a7, a8 = a2 + 1, a3 * 0.5, a4 - a1, a5, a6 + a7, a7, a8 + i, a1
    b1, b2, b3, b4, b5, b6, b7, b8 = b2 + a1, b3, b4 + 1, b5, b6, b7 * 1.5, b8, b1 - i
    c1, c2, c3, c4, c5, c6, c7, c8 = c2 + b1, c3, c4, c5 + a2, c6, c7, c8 + 1, c1
    d1, d2, d3, d4, d5, d6, d7, d8 = d2, d3 + c1, d4, d5, d6 - b2, d7, d8, d1 + 0.25
    if i == 49 then print("mid", a1, b2, c3, d4) end
  end
  return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8, b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8,
         c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8, d1 + d2 + d3 + d4 + d5 + d6 + d7 + d8
end
print(pressure())

local function upvalues()
  local k = 2
  local function f(n) local s = 0 for i = 1, n do s = s + k * i end return s end
  local r1 = f(100)
  k = 3.5   -- read again at every entry
  local r2 = f(100)
  k = "x"   -- wrong type: the trace is not entered, the interpreter raises the error
  local ok, err = pcall(f, 10)
  return r1, r2, ok, err
end
print(upvalues())
