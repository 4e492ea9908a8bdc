-- Multiple assignment: all expressions are evaluated before any assignment.
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local x, y = 1, 2, 3
print(x, y)
local t = {}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local function three() return 1, 2, 3 end
local p, q, r, s = three()
print(p, q, r, s)
p, q, r, s = 0, three()
print(p, q, r, s)
p, q, r, s = three(), 10
print(p, q, r, s)
p, q = (three())
print(p, q)
-- swap through table fields
local u = {1, 2, 3}
u[1], u[3] = u[3], u[1]
print(u[1], u[2], u[3])
-- assignment to globals and nested tables
g1, g2 = "one", "two"
print(g1, g2)
local n = {a = {b = {}}}
n.a.b.c, n.a.d = 5, 6
print(n.a.b.c, n.a.d)
-- evaluation order of table constructor with multiple results
local w = {three(), three()}
print(#w, w[1], w[2], w[4])
local v = {three(), (three())}
print(#v)
local z = {three(), nil}
print(#z)
-- a local is not visible in its own initializer
local k = 10
do local k = k + 1; print(k) end
print(k)
-- repeated locals with the same name: the last one wins
local m, m = 1, 2
print(m)
