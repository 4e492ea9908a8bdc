-- Table constructors: positional/named/computed fields, many items, nesting, trailing calls.
local t = {1, 2, 3, x = "x", ["y"] = "y", [10] = 10, 4}
print(t[1], t[2], t[3], t[4], t.x, t.y, t[10])
local big = {}
local src = "return {"
for i = 1, 600 do src = src .. i .. "," end
src = src .. "}"
big = loadstring(src)()
print(#big, big[1], big[50], big[51], big[600])
local function many(n) local r = {}; for i = 1, n do r[i] = i end; return unpack(r) end
local m = {many(300)}
print(#m, m[300])
local m2 = {0, many(100)}
print(#m2, m2[101])
local m3 = {many(100), 0}
print(#m3, m3[1], m3[2])
local nested = {a = {b = {c = {d = "deep"}}}, {1, {2, {3}}}}
print(nested.a.b.c.d, nested[1][2][2][1])
local mixed = {[1] = "a", "b"}
print(mixed[1])
local named = {["with space"] = 1, ["end"] = 2, [true] = 3, [1.5] = 4}
print(named["with space"], named["end"], named[true], named[1.5])
local fn = {f = function(self) return self.v end, v = 7}
print(fn:f())
local s = {("x"):rep(3), #"abc", -1, not nil, nil == false}
print(s[1], s[2], s[3], s[4], s[5])
local e = {}
print(next(e), #e)
local trailing = {1, 2, 3, nil}
print(#trailing)
local hashy = {}
for i = 1, 100 do hashy["k" .. i] = i end
local sum = 0
for k, v in pairs(hashy) do sum = sum + v end
print(sum)
