-- Table growth and shrinkage: array and hash parts under insertions, deletions, rehashes,
-- sparse integer keys, and re-insertion after deletion. Checked by sums and counts.
local function count(t) local n = 0; for _ in pairs(t) do n = n + 1 end; return n end
local t = {}
for i = 1, 10000 do t[i] = i end
for i = 1, 10000, 2 do t[i] = nil end
local s = 0
for k, v in pairs(t) do s = s + k + v end
print(count(t), s)
for i = 1, 10000, 2 do t[i] = -i end
s = 0
for i = 1, 10000 do s = s + t[i] end
print(#t, s)
-- hash part: insert many string keys, delete most, insert others
local h = {}
for i = 1, 5000 do h["k" .. i] = i end
for i = 1, 5000 do if i % 10 ~= 0 then h["k" .. i] = nil end end
print(count(h))
for i = 1, 2000 do h["n" .. i] = i end
s = 0
for k, v in pairs(h) do s = s + v end
print(count(h), s)
-- sparse integer keys stay correct whatever part holds them
local sp = {}
for i = 1, 1000 do sp[i * 1000] = i end
sp[1] = "one"; sp[2] = "two"
s = 0
for i = 1, 1000 do s = s + sp[i * 1000] end
print(s, sp[1], sp[2], sp[3], sp[1000000])
-- negative, zero and fractional numeric keys next to an array part
local mix = {1, 2, 3}
mix[0] = "zero"; mix[-1] = "minus"; mix[1.5] = "frac"; mix[4] = 4
print(#mix, mix[0], mix[-1], mix[1.5], mix[4])
-- a table used as a queue: head moves forward, tail grows
local q, head, tail = {}, 1, 0
for i = 1, 20000 do
  tail = tail + 1; q[tail] = i
  if i % 3 == 0 then q[head] = nil; head = head + 1 end
end
s = 0
for i = head, tail do s = s + q[i] end
print(tail - head + 1, s)
-- keys of many types in one table, removed again
local any = {}
local keys = {}
for i = 1, 100 do
  local k = ({i, "s" .. i, i + 0.25, {}, function() end})[i % 5 + 1]
  keys[i] = k
  any[k] = i
end
print(count(any))
for i = 1, 100, 2 do any[keys[i]] = nil end
s = 0
for _, v in pairs(any) do s = s + v end
print(count(any), s)
