-- Arithmetic metamethods, operand order, mixing with numbers and strings.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local function show(v) return type(v) == "table" and ("(" .. v.x .. "," .. v.y .. ")") or tostring(v) end
V.__add = function(a, b)
  if type(a) == "number" then return vec(a + b.x, a + b.y) end
  if type(b) == "number" then return vec(a.x + b, a.y + b) end
  return vec(a.x + b.x, a.y + b.y)
end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
local a, b = vec(1, 2), vec(3, 4)
print(show(a + b), show(a - b), show(a * b), show(a * 2), show(3 * a))
print(show(b / 2), show(b % 3), show(a ^ 2), show(-a), show(1 + a), show(a + 1))
-- the left operand's metamethod is tried first, then the right's
local L = setmetatable({}, {__add = function() return "left" end})
local R = setmetatable({}, {__add = function() return "right" end})
print(L + R, R + L, 1 + R, L + 1)
-- metamethods receive operands in source order
local order = setmetatable({}, {__sub = function(p, q)
  return (type(p) == "table" and "T" or tostring(p)) .. "-" .. (type(q) == "table" and "T" or tostring(q))
end})
print(order - 5, 5 - order, "s" - order)
-- strings coerce to numbers in arithmetic before metamethods
print("10" + 5, "3" * "4", 2 ^ "3", -"2", "0x10" + 0, " 5 " * 2)
print(pcall(function() return "abc" + 1 end))
-- __unm receives the operand (and the operand again, as in 5.1)
local u = setmetatable({}, {__unm = function(p, q) return rawequal(p, q) end})
print(-u)
-- arithmetic on a table without metamethods fails
print(pcall(function() return {} + 1 end))
