-- table.sort: default order, comparators, stability not assumed, invalid order functions.
local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local words = {"banana", "apple", "Cherry", "date", "apple"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return a:lower() < b:lower() end)
print(words[1], words[2], words[3]:lower(), words[4], words[5])
local recs = {{n = "b", v = 2}, {n = "a", v = 1}, {n = "c", v = 3}}
table.sort(recs, function(x, y) return x.v < y.v end)
print(recs[1].n, recs[2].n, recs[3].n)
-- empty and single-element tables
local e = {}
table.sort(e)
local one = {42}
table.sort(one)
print(#e, one[1])
-- larger pseudo-random input
local big, x = {}, 12345
for i = 1, 1000 do x = (x * 1103515245 + 12345) % 2147483648; big[i] = x % 1000 end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print(ok, big[1], big[1000])
-- already sorted, reverse sorted, all equal
local asc, desc, same = {}, {}, {}
for i = 1, 500 do asc[i] = i; desc[i] = 501 - i; same[i] = 7 end
table.sort(asc); table.sort(desc); table.sort(same)
print(asc[1], asc[500], desc[1], desc[500], same[250])
-- mixed types cannot be compared
local okm, em = pcall(table.sort, {1, "x", 2})
print(okm, em:match("attempt to compare %a+ with %a+") ~= nil)
-- comparator errors propagate
print(pcall(table.sort, {3, 2, 1}, function(a, b) error("cmp failed", 0) end))
-- an inconsistent comparator raises "invalid order function for sorting" or leaves some order;
-- either way, no crash and every element is still present
local bad = {}
for i = 1, 100 do bad[i] = (i * 37) % 101 end
local okb, err = pcall(table.sort, bad, function(a, b) return true end)
print(okb or err:match("invalid order function for sorting") ~= nil)
local sum = 0
for i = 1, 100 do sum = sum + (bad[i] or 0) end
print(sum)
-- sort numbers with metamethods via __lt
local mt = {__lt = function(a, b) return a.k < b.k end}
local objs = {}
for i, k in ipairs({3, 1, 2}) do objs[i] = setmetatable({k = k}, mt) end
table.sort(objs)
print(objs[1].k, objs[2].k, objs[3].k)
print(pcall(table.sort, nil))
