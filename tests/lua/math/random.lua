-- math.random/randomseed: the generator differs between engines, so only properties are checked.
math.randomseed(42)
local a = {}
for i = 1, 10 do a[i] = math.random() end
math.randomseed(42)
local same = true
for i = 1, 10 do if math.random() ~= a[i] then same = false end end
print("reproducible", same)
local inrange = true
for _ = 1, 1000 do local x = math.random(); if x < 0 or x >= 1 then inrange = false end end
print("[0,1)", inrange)
local seen, ok = {}, true
for _ = 1, 1000 do
  local x = math.random(6)
  if x < 1 or x > 6 or x ~= math.floor(x) then ok = false end
  seen[x] = true
end
print("1..6", ok, #seen)
ok = true
for _ = 1, 1000 do local x = math.random(-3, 3); if x < -3 or x > 3 or x ~= math.floor(x) then ok = false end end
print("-3..3", ok)
print(math.random(5, 5), math.random(1))
-- different seeds give different sequences
math.randomseed(1); local s1 = math.random()
math.randomseed(2); local s2 = math.random()
print(s1 ~= s2)
