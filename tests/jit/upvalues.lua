-- Upvalue reads and writes in traces (GETUPVAL/SETUPVAL): closed and open upvalues,
-- loop-carried upvalue values, exits before and after a store, values of every type,
-- NaN canonicalization, one trace entered by several closures of one prototype.

-- an open upvalue (a local of the main chunk, still live) written by a loop
local count = 0
local function bump(n)
  for i = 1, n do count = count + i end
end
bump(100)
bump(7)
print("open", count)

-- closed upvalues: every closure of the factory has its own cell, all enter one trace
local function counter(step)
  local c = 0
  return function(n)
    for i = 1, n do c = c + step * i end
    return c
  end
end
local c1, c2 = counter(1), counter(1000)
print("closed", c1(10), c2(10), c1(5), c2(3), c1(20))

-- a read-only upvalue next to written ones; a value read back after its write
local scale = 0.25
local acc, prev, diff = 1, 0, 0
local function mix(n)
  for i = 1, n do
    prev = acc
    acc = acc * scale + i
    diff = acc - prev
  end
end
mix(40)
print("mix", acc, prev, diff)

-- exits after the store (the guard on i fails at i == 25): the stores of that
-- iteration before the guard are kept, the interpreter does the rest
local total, marks = 0, 0
local function upto(n, stop)
  for i = 1, n do
    total = total + i
    if i == stop then marks = marks + 1000 end
    marks = marks + 1
  end
end
upto(30, 25)
print("exit after store", total, marks)

-- exit before the store: the type of the upvalue changes under the trace
local v = 0
local function grow(n)
  for i = 1, n do v = v + i * 0.5 end
end
grow(20)
v = "x"
print("type changed", pcall(grow, 3))
v = 10
grow(4)
print("type restored", v)

-- values of other types stored: strings, tables, booleans, nil
local name, obj, flag, gone = "start", nil, false, 1
local objs = {{id = 1}, {id = 2}}
local function cycle(n)
  for i = 1, n do
    name = "loop"
    obj = objs[1]
    flag = true
    gone = nil
  end
end
cycle(30)
print("types", name, obj.id, flag, gone)

-- a computed NaN of either sign is stored canonically
local bad = 0
local function nans(n)
  for i = 1, n do bad = -(bad * 0 / 0) end
end
nans(10)
print("nan", bad ~= bad, type(bad), bad == bad)
bad = 3
nans(1)
print("nan again", bad ~= bad)

-- two closures sharing one upvalue: the writer's trace updates what the reader sees
local function pair()
  local shared = 0
  local function add(n) for i = 1, n do shared = shared + 2 end end
  local function get() return shared end
  return add, get
end
local add, get = pair()
add(50)
print("shared", get())
add(3)
print("shared", get())

-- a loop whose body writes an upvalue on one path only (the other path exits)
local hits, misses = 0, 0
local function classify(n)
  for i = 1, n do
    if i % 10 ~= 0 then hits = hits + 1 else misses = misses + 1 end
  end
end
classify(100)
print("branches", hits, misses)

-- a while loop carrying two upvalues that swap
local a, b = 1, 2
local function swap(n)
  local k = 0
  while k < n do
    a, b = b, a + b
    k = k + 1
  end
end
swap(30)
print("swap", a, b)

-- objects a trace stored in upvalues stay alive through collections once nothing else
-- refers to them (an open upvalue's stack slot, a closed upvalue's own cell)
local holder
local function keep(arr, n) for i = 1, n do holder = arr[i] end end
local function boxed()
  local cell
  return function(arr, n) for i = 1, n do cell = arr[i] end end, function() return cell end
end
local put, peek = boxed()
do
  local arr = {}
  for i = 1, 30 do arr[i] = {id = i, name = "item" .. i} end
  keep(arr, 25)
  put(arr, 17)
end
collectgarbage()
collectgarbage()
local junk = {}
for i = 1, 2000 do junk[i] = {i} end
print("kept", holder.id, holder.name, peek().id, peek().name)
