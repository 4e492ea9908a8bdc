-- Errors through coroutine.wrap: a coroutine that cannot be resumed is the caller's error,
-- with its position when a Lua function calls the wrapper directly; errors raised
-- inside pass through unchanged.
local co = coroutine.wrap(function() error("boom") end)
print(pcall(co))
print(pcall(co))
local co2 = coroutine.wrap(function() error({}) end)
print(select('#', pcall(co2)), type(select(2, pcall(co2))))
local co3 = coroutine.wrap(function() error(42) end)
print(pcall(co3))
local co4 = coroutine.wrap(function() local x = nil; return x.y end)
print(pcall(function() return co4() end))
local function call(f) return f() end
print(pcall(call, co))
local self
self = coroutine.wrap(function() return self() end)
print(pcall(call, self))
print(pcall(self))
local ok2, e2 = pcall(function() local r = co() return r end)
print(ok2, e2)
