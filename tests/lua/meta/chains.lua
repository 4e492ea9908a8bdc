-- Long __index/__newindex chains, loops between metatables, recursion through metamethods.
local function chain(n)
  local t = {x = "found"}
  for _ = 1, n do t = setmetatable({}, {__index = t}) end
  return t
end
print(pcall(function() return chain(50).x end))
print(pcall(function() return chain(99).x end))
print(pcall(function() return chain(150).x end))
local a, b = {}, {}
setmetatable(a, {__index = b}); setmetatable(b, {__index = a})
print(pcall(function() return a.x end))
setmetatable(a, {__newindex = b}); setmetatable(b, {__newindex = a})
print(pcall(function() a.x = 1 end))
-- unbounded recursion through a metamethod is an error, not a crash
local function overflowed(ok, e) return ok, e:find("stack overflow", 1, true) ~= nil end
local loop = setmetatable({}, {})
getmetatable(loop).__index = function(t, k) return t[k] end
print(overflowed(pcall(function() return loop.x end)))
local c = setmetatable({}, {__concat = function(p, q) return p .. q end})
print(overflowed(pcall(function() return c .. "x" end)))
local d = setmetatable({}, {})
getmetatable(d).__add = function(p, q) return (p + q) end
print(overflowed(pcall(function() return d + 1 end)))
local e = setmetatable({}, {})
getmetatable(e).__call = function(self) return (self()) end
print(overflowed(pcall(e)))
local f = setmetatable({}, {__tostring = function(self) return (tostring(self)) end})
print(overflowed(pcall(tostring, f)))
-- the VM still works afterwards
print(chain(10).x, pcall(function() return 1 + 1 end))
