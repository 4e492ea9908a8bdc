-- Many coroutines alive at once, each with its own stack, resumed round-robin; a chain of
-- coroutines resuming each other 40 deep; yields from deep inside recursion.
local cos = {}
for i = 1, 1000 do
  cos[i] = coroutine.create(function(a)
    local function rec(n, acc)
      if n == 0 then return coroutine.yield(acc) end
      return rec(n - 1, acc + n) + 0
    end
    local total = 0
    for round = 1, 3 do total = total + rec(i % 20, round) end
    return total
  end)
end
local sum, done = 0, 0
for round = 1, 4 do
  for i = 1, #cos do
    if coroutine.status(cos[i]) == "suspended" then
      local ok, v = coroutine.resume(cos[i], i)
      if not ok then error(v) end
      if coroutine.status(cos[i]) == "dead" then done = done + 1 end
      sum = sum + v
    end
  end
end
print(sum, done)
-- a chain of 40 nested resumes (nested_resume.lua goes deeper)
local function chain(depth)
  if depth == 0 then return coroutine.yield("bottom") end
  local co = coroutine.create(chain)
  local ok, v = coroutine.resume(co, depth - 1)
  return v .. "<" .. depth
end
local top = coroutine.create(chain)
local ok, s = coroutine.resume(top, 40)
print(ok, #s, s:sub(1, 20), s:sub(-8), coroutine.status(top))
print(coroutine.resume(top, "x"))
local co = coroutine.wrap(function()
  local t = {}
  for i = 1, 5000 do t[i] = coroutine.yield(i) end
  local s = 0
  for i = 1, #t do s = s + t[i] end
  return s
end)
local v = co()
while v < 5000 do v = co(v * 2) end
print(co(1))
