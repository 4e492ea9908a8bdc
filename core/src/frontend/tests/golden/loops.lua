local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
for k, v in pairs(fs) do local w = v; fs[k] = function() return w end; if k then break end end
local j = 0
while j < 3 do local c = j; fs[j] = function() return c end; j = j + 1; if c then break end end
repeat local r = j; fs[r] = function() return r end; j = j - 1 until r < 1
repeat local q = 1 until q
while true do end
repeat until false
-- nested loops with breaks at several depths
for i = 1, 3 do
  for j = i, 1, -1 do
    if j == 2 then break end
    while i > j do
      local k = i
      repeat
        k = k - 1
        if k == 0 then break end
      until k <= j
      break
    end
  end
end
-- a loop variable captured in the condition of repeat
repeat local n = 1; local g = function() return n end until g() == 1
-- generic for with many variables and an explicit iterator triple
for a, b, c, d in next, {}, nil do print(a, b, c, d) end
