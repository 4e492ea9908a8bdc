-- table.concat, insert, remove, maxn, getn.
local t = {1, 2, 3, "four", 5.5}
print(table.concat(t), table.concat(t, ", "), table.concat(t, "-", 2), table.concat(t, "-", 2, 3))
print(table.concat({}), table.concat({}, "x"), table.concat(t, ",", 3, 2), table.concat({"a"}, ",", 1, 1))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2}, ",", 1, 3))
print(pcall(table.concat, {true}))
local q = {}
table.insert(q, "a")
table.insert(q, "c")
table.insert(q, 2, "b")
table.insert(q, 1, "start")
table.insert(q, #q + 1, "end")
print(#q, table.concat(q, " "))
print(table.remove(q), table.remove(q, 1), #q, table.concat(q, " "))
print(table.remove(q, 2), table.concat(q, " "))
print(table.remove({}), #{})
local e = {}
print(table.remove(e, 1), table.remove(e, #e))
print(pcall(table.insert, {}, 1, 2, 3))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, {}))
-- insert/remove shift elements
local s = {}
for i = 1, 10 do table.insert(s, 1, i) end
print(table.concat(s, ","))
for _ = 1, 5 do table.remove(s, 3) end
print(table.concat(s, ","))
-- maxn looks at all positive numeric keys
print(table.maxn({}), table.maxn({1, 2, 3}), table.maxn({[10] = 1, [2.5] = 2, x = 3}), table.maxn({[-1] = 1}))
print(table.getn({1, 2, 3}), table.getn({}))
-- unpack with ranges
print(unpack({1, 2, 3}))
print(unpack({1, 2, 3}, 2))
print(unpack({1, 2, 3}, 2, 5))
print(unpack({1, 2, 3}, 3, 1))
print(select("#", unpack({}, 1, 3)))
print(pcall(unpack, {}, 1, 1e8))
