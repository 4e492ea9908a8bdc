-- bench: full=3000000 quick=100000
-- Object-oriented method dispatch: classes through __index chains, polymorphic calls,
-- field reads and writes on self.
local N = tonumber(arg and arg[1]) or 3000000
local Shape = {}
Shape.__index = Shape
function Shape.new(cls, x, y) return setmetatable({x = x, y = y, moved = 0}, cls) end
function Shape:move(dx, dy) self.x = self.x + dx; self.y = self.y + dy; self.moved = self.moved + 1 end
function Shape:area() return 0 end
local Rect = setmetatable({}, {__index = Shape})
Rect.__index = Rect
function Rect.new(x, y, w, h) local r = Shape.new(Rect, x, y); r.w = w; r.h = h; return r end
function Rect:area() return self.w * self.h end
local Square = setmetatable({}, {__index = Rect})
Square.__index = Square
function Square.new(x, y, s) local q = Rect.new(x, y, s, s); return setmetatable(q, Square) end
function Square:area() return Rect.area(self) end
local Circle = setmetatable({}, {__index = Shape})
Circle.__index = Circle
function Circle.new(x, y, r) local c = Shape.new(Circle, x, y); c.r = r; return c end
function Circle:area() return 3 * self.r * self.r end
local shapes = {}
for i = 1, 64 do
  local k = i % 3
  if k == 0 then shapes[i] = Rect.new(i, -i, i % 7 + 1, i % 5 + 1)
  elseif k == 1 then shapes[i] = Square.new(-i, i, i % 9 + 1)
  else shapes[i] = Circle.new(i, i, i % 4 + 1) end
end
local total = 0
for i = 1, N do
  local s = shapes[i % 64 + 1]
  s:move(1, -1)
  total = total + s:area()
end
local sx = 0
for i = 1, 64 do sx = sx + shapes[i].x - shapes[i].y + shapes[i].moved end
print(string.format("oo %d: total area %d, positions %d", N, total, sx))
