local a, b = 1, 2
print(a + b * 3, "x" .. a .. b)
local t = {1, 2, 3, x = 4, [5] = 6}
t.y = t[1] + #t
if a < b and b > 0 then a = -a elseif not a then b = nil else a = 2 end
local function f(x, ...) return f(x - 1, ...) end
function t.m(self) return self end
function t:n(y) return self.x + y end
t:n(1)
local x, y, z = f(), ...
a, b = b, a
t[a], t[b] = t[b], 3
local q = a and b or c
local r = not (a == b)
print(2^3^2, -2^2, 1 .. 2, 10 / 0, 0/0, -0, 5 % 3)
local s = {f()}
local s2 = {..., 1}
local u = {f(), nil}
local a, b = ...
local n = select('#', ...)
print(("x"):rep(3), f"str", g{1, 2})
local function fact(n) if n <= 1 then return 1 else return n * fact(n - 1) end end
local up = 1
local function outer() local v = 2; return function() up = up + v; return up, v end end
a.b.c.d = 1
a[b][c] = d
x = y == nil
t = {[f()] = g(), h()}
local z = a and b and c or d or e
local w = (a or b) and (c or d)
local k = 1 < 2, nil == nil, not nil, not 1, not not a
local l = #t == 0 and x or y
local m = a.x.y:z(1, 2, ...)
local s = "a" .. 1 .. 2.5 .. b
local o = -a, -(-1), - -a, #"abc"
local p = {a = {b = {c = 1}}, 'x', 'y'; 'z'}
a, b, c = f()
a, b, c = 1
local q, r = g(), h()
do local dd = 1 end
if a then elseif b then elseif c then else end
if not (a and b) then x = 1 end
if a == 1 or b ~= 2 then x = 2 end
if a < b and b < c then elseif a > b or a >= c then end
local function va(...) local x, y = ... return ... end
local function va2(...) return select(2, ...), ... end
function a.b.c:d(x, y) return self, x, y end
print(true or x, false and x, true and x, false or x, nil or x, nil and x)
local a = (1 or 2) and (false or nil)
if false then x() end
if true then y() end
if nil then z() end
while false do end
local b = not (true and false)
return a, b, f()
