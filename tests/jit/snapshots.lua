-- Snapshot restore: exits on a trace's first iteration (the pre-roll), on the first
-- iteration of the loop body, in the middle of the body after several values changed,
-- and on the last iteration; slots holding nil, booleans and numbers. With hotloop=1 a
-- trace is entered at the second back-edge of a call that finds it compiled, so in the
-- later calls iteration 2 runs the pre-roll and iteration 3 the body for the first time.

local function middle(n, k)
  local a, b, c, d = 0, 1, 2, 3
  for i = 1, n do
    a = a + i
    b = b * 1.5
    c = c - a
    if i == k then d = -d end  -- exit here: a, b and c have already changed
    d = d + 0.25
  end
  return a, b, c, d
end
middle(30, -1)  -- compiles the trace
for _, k in ipairs({-1, 1, 2, 3, 4, 7, 29, 30, 31}) do
  print("middle", k, middle(30, k))
end

local function break_at(n, k)  -- the exit leaves the loop: the restored state is final
  local a, b, s = 1, 1, 0
  for i = 1, n do
    a, b = b, a + b
    s = s + a / b
    if i == k then break end
    s = s * 0.5
  end
  return a, b, s
end
break_at(40, -1)
for _, k in ipairs({1, 2, 3, 5, 39, 40, 50}) do
  print("break_at", k, break_at(40, k))
end

local function kinds(n, k)  -- nil, boolean and number slots in the exit's snapshot
  local a, b, c, e = 'start', 'start', 'start', 'start'
  for i = 1, n do
    a = nil
    b = true
    c = i * 2
    e = false
    if i == k then break end
    a = i
    b = false
    e = c > 10      -- a comparison result: false for i <= 5, then true
  end
  return a, b, c, e
end
kinds(20, -1)
for _, k in ipairs({-1, 2, 3, 6, 20}) do
  print("kinds", k, kinds(20, k))
end

local function flag_changes(n, flag)  -- recorded with flag true: other values exit at entry
  local a, s = 0, 0
  for i = 1, n do
    if flag then a = a + i else a = a - i end
    s = s + a
  end
  return a, s
end
print("flag", flag_changes(25, true))
print("flag", flag_changes(25, false))
print("flag", flag_changes(25, nil))
print("flag", flag_changes(25, 0))      -- a number is true too: a different type, same path
print("flag", flag_changes(25, true))

local function type_change(n, x)  -- a slot's type differs between calls
  local s = 0
  for i = 1, n do
    s = s + i
    if x then s = s + 1 end
  end
  return s
end
print("type", type_change(10, 1), type_change(10, "s"), type_change(10, {}),
      type_change(10, false), type_change(10, 2.5))

local function while_exit(limit)  -- a while loop's condition exits at the last iteration
  local i, acc, prev = 0, 1, 0
  while acc < limit do
    prev = acc
    i = i + 1
    acc = acc * 3 + i
  end
  return i, acc, prev
end
for _, l in ipairs({1e6, 1, 2, 5, 1e12, 1e3}) do
  print("while", l, while_exit(l))
end

local function repeat_exit(n)  -- repeat ... until: the exit is at the loop's bottom
  local i, s = 0, 0
  repeat
    i = i + 1
    s = s + i * i
  until i >= n
  return i, s
end
for _, n in ipairs({20, 1, 2, 3, 19}) do
  print("repeat", n, repeat_exit(n))
end

local function nested_exit(n)  -- the inner trace exits at the end of each inner loop
  local total = 0
  for j = 1, n do
    local s = 0
    for i = 1, j do s = s + i * j end
    total = total + s
  end
  return total
end
print("nested", nested_exit(15), nested_exit(3))
