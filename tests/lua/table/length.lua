-- '#' on sequences, appending, removal from the end, constructors.
local t = {}
print(#t)
for i = 1, 100 do t[#t + 1] = i end
print(#t, t[1], t[100])
for i = 100, 51, -1 do t[i] = nil end
print(#t)
t[#t] = nil
print(#t)
print(#{1, 2, 3}, #{"a", "b"}, #{n = 3}, #{})
print(#{1, 2, 3, nil}, #{nil, nil})
local s = {}
s[1] = "a"; s[2] = "b"; s[3] = "c"
print(#s)
-- keys added in reverse order still form a sequence
local r = {}
for i = 10, 1, -1 do r[i] = i end
print(#r)
-- string keys do not count
local m = {1, 2, x = 1, y = 2}
print(#m)
-- table.insert / remove maintain the border
local q = {}
table.insert(q, "a"); table.insert(q, "b"); table.insert(q, 1, "z")
print(#q, table.concat(q))
table.remove(q, 1)
print(#q, table.concat(q))
-- large sequence built with float indices that are integral
local f = {}
for i = 1, 1000 do f[i * 1.0] = i end
print(#f, f[500])
-- # of a string and of unpack results
print(#"hello", select("#", unpack({1, 2, 3})))
-- sequences with explicit nils at the end of a constructor
print(#{1, nil, 3} == 3 or #{1, nil, 3} == 1)
-- a border exists and t[#t+1] is nil
local holes = {1, 2, nil, 4}
local n = #holes
print((n == 0 or holes[n] ~= nil) and holes[n + 1] == nil)
-- table.getn agrees with #
print(table.getn({1, 2, 3}), table.getn({}))
