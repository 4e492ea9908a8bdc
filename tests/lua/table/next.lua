-- next/pairs: visits every key once; assigning to existing keys during traversal is allowed.
local t = {}
for i = 1, 20 do t[i] = i end
for i = 1, 20 do t["k" .. i] = i end
t[1.5] = "f"; t[true] = "b"
local seen, count = {}, 0
for k, v in pairs(t) do
  count = count + 1
  seen[#seen + 1] = tostring(k)
  t[k] = "changed" -- assigning existing fields during traversal is allowed
end
table.sort(seen)
print(count, table.concat(seen, " "))
local all_changed = true
for _, v in pairs(t) do if v ~= "changed" then all_changed = false end end
print(all_changed)
-- clearing fields during traversal is allowed
local c = {a = 1, b = 2, c = 3, d = 4, [1] = 1, [2] = 2}
local n = 0
for k in pairs(c) do c[k] = nil; n = n + 1 end
print(n, next(c))
-- next on an empty table and at the end
print(next({}))
local one = {x = 1}
local k1, v1 = next(one)
print(k1, v1, next(one, k1))
-- next with an invalid key is an error
print(pcall(next, {}, "missing"))
-- pairs returns next, t, nil
local f, s, init = pairs(one)
print(type(f), s == one, init, f(one))
-- ipairs returns a function, t, 0
local g, s2, i0 = ipairs(one)
print(type(g), s2 == one, i0)
-- sequence part is traversed in order by ipairs
local out = {}
for i, v in ipairs({"a", "b", "c"}) do out[#out + 1] = i .. v end
print(table.concat(out, ","))
-- sum over pairs does not depend on order
local sum = 0
local big = {}
for i = 1, 1000 do big[i] = i; big["s" .. i] = i end
for _, v in pairs(big) do sum = sum + v end
print(sum)
