-- bench: full=200000 quick=10000
-- Table library: table.insert/remove at the end, the front and the middle, table.sort with
-- and without a comparator, table.concat; '#' on growing and shrinking arrays.
local N = tonumber(arg and arg[1]) or 200000
local seed = 12345
local function rand(m) seed = seed * 16807 % 2147483647; return seed % m end
local t = {}
for _ = 1, N do table.insert(t, rand(1000000)) end
-- front and middle insertions shift the array part
for _ = 1, 200 do table.insert(t, 1, rand(1000)); table.remove(t, 1) end
for i = 1, 200 do table.insert(t, math.floor(#t / 2), i) end
for _ = 1, 100 do table.remove(t, math.floor(#t / 3)) end
local check = 0
for i = 1, #t, 97 do check = (check * 31 + t[i]) % 1000000007 end
-- sort ascending, then descending with a comparator
local a = {}
for i = 1, #t do a[i] = t[i] end
table.sort(a)
local ordered = true
for i = 2, #a do if a[i - 1] > a[i] then ordered = false end end
table.sort(t, function(x, y) return x > y end)
for i = 1, #t, 101 do check = (check * 31 + t[i]) % 1000000007 end
-- records sorted by a key, with ties broken by a second key (a strict total order)
local recs = {}
for i = 1, N / 4 do recs[i] = {k = rand(100), id = i} end
table.sort(recs, function(p, q) if p.k ~= q.k then return p.k < q.k end return p.id < q.id end)
for i = 1, #recs, 53 do check = (check * 31 + recs[i].id) % 1000000007 end
-- stack and queue usage
local stack = {}
for i = 1, N do stack[#stack + 1] = i; if i % 3 == 0 then stack[#stack] = nil end end
local popped = 0
while #stack > 0 do popped = popped + table.remove(stack) end
-- concat of numbers and strings
local parts = {}
for i = 1, 1000 do parts[i] = a[i * 10 % #a + 1] end
local s = table.concat(parts, ";")
print(string.format("table_ops %d: ordered %s, check %d, popped %d, concat %d",
  N, tostring(ordered), check, popped, #s))
