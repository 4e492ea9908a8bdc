-- coroutine.wrap: errors propagate, dead wrapped coroutines, passing values.
local w = coroutine.wrap(function(x)
  local y = coroutine.yield(x * 2)
  return y + 1
end)
print(w(5))
print(w(10))
print(pcall(w))
local e = coroutine.wrap(function() error("inside wrap") end)
print(pcall(e))
local e2 = coroutine.wrap(function() error({tag = "t"}) end)
local ok, v = pcall(e2)
print(ok, type(v), v.tag)
local e3 = coroutine.wrap(function() error("no position", 0) end)
print(pcall(e3))
-- nested wraps
local producer = coroutine.wrap(function()
  for _, word in ipairs({"alpha", "beta", "gamma"}) do coroutine.yield(word) end
  return nil
end)
local filter = coroutine.wrap(function()
  while true do
    local w2 = producer()
    if not w2 then return nil end
    coroutine.yield(w2:upper())
  end
end)
local out = {}
while true do local x = filter(); if not x then break end; out[#out + 1] = x end
print(table.concat(out, ","))
-- ping pong between two coroutines through a scheduler
local log = {}
local ping = coroutine.create(function()
  for i = 1, 3 do log[#log + 1] = "ping" .. i; coroutine.yield() end
end)
local pong = coroutine.create(function()
  for i = 1, 3 do log[#log + 1] = "pong" .. i; coroutine.yield() end
end)
for _ = 1, 4 do coroutine.resume(ping); coroutine.resume(pong) end
print(table.concat(log, " "))
print(coroutine.status(ping), coroutine.status(pong))
-- yield across pcall is allowed in LuaJIT... but not in PUC 5.1; use pcall outside
local guarded = coroutine.create(function()
  local ok2, err = pcall(error, "caught inside")
  coroutine.yield(ok2, err)
  return "after"
end)
print(coroutine.resume(guarded))
print(coroutine.resume(guarded))
