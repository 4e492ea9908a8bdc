-- Runaway recursion is a catchable "stack overflow"; the VM stays usable afterwards.
local function rec(n) return 1 + rec(n + 1) end
local ok, e = pcall(rec, 1)
print(ok, (e:gsub("^.-:%d+: ", "")))
print(e:find("stack overflow", 1, true) ~= nil)
-- again, from a different depth, and through a method
local obj = {}
function obj:dive() return self:dive() + 1 end
ok, e = pcall(obj.dive, obj)
print(ok, e:find("stack overflow", 1, true) ~= nil)
-- infinite __index chain through functions hits a bound and is an error
local loop = setmetatable({}, {})
getmetatable(loop).__index = function(t, k) return t[k] end
ok, e = pcall(function() return loop.x end)
print(ok, type(e))
-- deep recursion that is not runaway works
local function sum(n) if n == 0 then return 0 end return n + sum(n - 1) end
print(sum(5000))
-- recursion inside a coroutine overflows inside the coroutine only
local co = coroutine.create(function() return rec(1) end)
local cok, ce = coroutine.resume(co)
print(cok, ce:find("stack overflow", 1, true) ~= nil, coroutine.status(co))
-- after all that, everything still works
print(pcall(function() return "still alive" end))
-- deeply nested pcall inside recursion
local function nested(n) if n == 0 then error("bottom", 0) end return pcall(nested, n - 1) end
print(nested(100))
-- string.rep of a huge size fails cleanly rather than crashing
print(pcall(string.rep, "x", -1))
