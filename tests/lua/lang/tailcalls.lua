-- Proper tail calls run in constant stack space.
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + 1)
end
print(loop(1000000, 0))

local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000001), odd(1000001))

-- tail call through a method and through varargs
local obj = {n = 0}
function obj:step(k, ...)
  if k == 0 then return self.n, select("#", ...) end
  self.n = self.n + 1
  return self:step(k - 1, ...)
end
print(obj:step(300000, "a", "b"))

-- a tail call to a native function
local function tostr(x) return tostring(x) end
print(tostr(12))

-- tail call through __call
local callable = setmetatable({}, {__call = function(self, n) return n * 2 end})
local function viacall(n) return callable(n) end
print(viacall(21))

-- a non-tail recursion of moderate depth still works
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))

-- return f(x) inside parentheses is not a tail call but still correct
local function paren(n) if n == 0 then return 1, 2 end return (paren(n - 1)) end
print(paren(5))
