-- Yielding across a native call boundary is an error. (The wording differs between
-- LuaJIT and PUC Lua, so only the common part is printed; LuaJIT can yield across
-- metamethods, PUC 5.1 cannot, so that case is not pinned here.)
local function common(ok, msg)
  return ok, type(msg) == "string" and msg:match("attempt to yield across") ~= nil
end
local co2 = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)
print(common(coroutine.resume(co2)))
print(coroutine.status(co2))
-- yield from the main thread
print(common(pcall(coroutine.yield, 1)))
-- yield inside a native iterator callback: string.gsub with a function
local co3 = coroutine.create(function()
  return (string.gsub("abc", "%w", function(c) coroutine.yield(c) end))
end)
print(common(coroutine.resume(co3)))
-- the coroutine can still be used after a failed yield elsewhere
local ok_co = coroutine.wrap(function() coroutine.yield(1); return 2 end)
print(ok_co(), ok_co())
-- a wrapped coroutine used as an iterator in a for loop (no boundary involved)
local function squares(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i, i * i) end end)
end
for i, sq in squares(3) do print(i, sq) end
