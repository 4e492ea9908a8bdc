-- Loop-carried values (PHIs) of every shape: swaps, rotations (cycles of back-edge
-- moves), values only used after the loop, values unchanged on some paths, constants,
-- several PHIs of one value. Each function runs for several trip counts, so traces are
-- entered with 0, 1 and many iterations left, and odd/even counts tell swaps apart. The
-- first count is large: the loop is recorded and compiled during that call.

local function swap(n)
  local a, b = 1.5, -2.25
  for _ = 1, n do a, b = b, a end
  return a, b
end

local function swap_add(n)            -- a, b = b, a + b: a swap that also computes
  local a, b = 0, 1
  for _ = 1, n do a, b = b, a + b end
  return a, b
end

local function rotate3(n)
  local a, b, c = 1, 20, 300
  for _ = 1, n do a, b, c = b, c, a end
  return a, b, c
end

local function rotate5_mixed(n)       -- a rotation with arithmetic on some edges
  local a, b, c, d, e = 1, 2, 3, 4, 5
  for i = 1, n do a, b, c, d, e = e + i, a, b * 0.5, c, d - 1 end
  return a, b, c, d, e
end

local function two_cycles(n)          -- two independent swaps and a fixed point
  local a, b, c, d, k = 1, 2, 3, 4, 7
  for _ = 1, n do a, b, c, d, k = b, a, d, c, k end
  return a, b, c, d, k
end

local function only_after(n)          -- last and sq are written, never read, in the loop
  local last, sq, s = -1, -1, 0
  for i = 1, n do
    last = i * 3
    sq = last * last
    s = s + 0.5
  end
  return last, sq, s
end

local function some_paths(n)          -- m changes on some iterations only
  local m, hits, s = -1, 0, 0
  for i = 1, n do
    local v = (i * 37) % 101
    if v > 50 then m = v; hits = hits + 1 end
    s = s + m
  end
  return m, hits, s
end

local function constants(n)           -- PHIs whose right side is a constant
  local prev, cur, flag = 0, 10, 0
  for _ = 1, n do
    prev = cur
    cur = 10
    flag = 1
  end
  return prev, cur, flag
end

local function shared_value(n)        -- two slots carry the same value
  local x, a, b = 0, 0, 0
  for i = 1, n do
    x = x + i
    a = x
    b = x
  end
  return x, a, b, a + b
end

local function chain(n)               -- each value depends on the previous iteration's others
  local a, b, c = 1, 1, 1
  for _ = 1, n do
    a, b, c = (b + c) % 1000, (a * 3) % 1000, (a + b + c) % 1000
  end
  return a, b, c
end

local function old_and_new(n)         -- the old value is read after the new one is made
  local x, y, s = 2, 0, 0
  for _ = 1, n do
    local nx = x * 1.5
    s = s + x - nx
    y = x
    x = nx
  end
  return x, y, s
end

local function counter_down(n)        -- a negative step, the index used after the body
  local s, last = 0, 0
  for i = n, 1, -1 do s = s * 0.5 + i; last = i end
  return s, last
end

local function while_swap(n)          -- a while loop (LOOP, not FORLOOP) with a swap
  local i, a, b = 0, 'unused', 0
  a = 1
  while i < n do
    i = i + 1
    a, b = b + i, a
  end
  return i, a, b
end

for _, n in ipairs({25, 10, 7, 4, 3, 2, 1, 0, 30}) do
  print(n, "swap", swap(n))
  print(n, "swap_add", swap_add(n))
  print(n, "rotate3", rotate3(n))
  print(n, "rotate5", rotate5_mixed(n))
  print(n, "two_cycles", two_cycles(n))
  print(n, "only_after", only_after(n))
  print(n, "some_paths", some_paths(n))
  print(n, "constants", constants(n))
  print(n, "shared", shared_value(n))
  print(n, "chain", chain(n))
  print(n, "old_new", old_and_new(n))
  print(n, "down", counter_down(n))
  print(n, "while_swap", while_swap(n))
end
