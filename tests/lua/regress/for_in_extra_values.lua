-- Found by fuzz target `compile`: a generic `for` with more than three expressions after
-- `in` left the extra values in registers when the loop's block opened (a debug assertion
-- in the compiler). Extra values are evaluated and dropped.
local function it(s, c) if c < 3 then return c + 1 end end
for k in it, nil, 0, 4, 5 do print(k) end
local out = {}
for k, v in it, nil, 0, (function() out[#out + 1] = "extra" end)() do
  out[#out + 1] = k
  local a, b = k * 2, k * 3
  out[#out + 1] = a + b
end
print(table.concat(out, " "))
local n = 0
for _ in next, {1, 2, 3}, nil, 7, 8, 9 do n = n + 1 end
print(n)
