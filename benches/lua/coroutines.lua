-- bench: full=8000000 quick=40000
-- Coroutine ping-pong: resume/yield with values, a producer/filter/consumer pipeline, and
-- coroutine.wrap generators.
local N = tonumber(arg and arg[1]) or 8000000
-- ping-pong: two coroutines exchanging a counter through the main thread
local ping = coroutine.create(function(v)
  while true do v = coroutine.yield(v + 1) end
end)
local pong = coroutine.create(function(v)
  while true do v = coroutine.yield(v * 3 % 1000003) end
end)
local v = 1
for _ = 1, N / 2 do
  local _, a = coroutine.resume(ping, v)
  local _, b = coroutine.resume(pong, a)
  v = b
end
-- pipeline: producer -> filter -> consumer
local function producer(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local function filter(src)
  return coroutine.wrap(function()
    for x in src do if x % 3 ~= 0 then coroutine.yield(x * 2) end end
  end)
end
local sum = 0
for x in filter(producer(N / 4)) do sum = sum + x end
-- many short-lived generators
local created = 0
for i = 1, N / 100 do
  local g = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return a + b end)
  created = created + g(i) + g(2)
end
print(string.format("coroutines %d: ping-pong %d, pipeline %d, generators %d", N, v, sum, created))
