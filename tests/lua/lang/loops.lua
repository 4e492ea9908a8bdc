-- Numeric for, generic for, while, repeat, break.
local out = {}
for i = 1, 5 do out[#out + 1] = i end
print(table.concat(out, " "))
out = {}
for i = 5, 1, -2 do out[#out + 1] = i end
print(table.concat(out, " "))
out = {}
for i = 0, 1, 0.25 do out[#out + 1] = i end
print(table.concat(out, " "))
out = {}
for i = 1, 0 do out[#out + 1] = i end
print(#out)
out = {}
for i = 1.5, 3.5 do out[#out + 1] = i end
print(table.concat(out, " "))
-- the limit and step are evaluated once
local limit = 3
out = {}
for i = 1, limit do limit = 10; out[#out + 1] = i end
print(table.concat(out, " "))
-- modifying the loop variable does not affect iteration
out = {}
for i = 1, 3 do local j = i; i = i * 10; out[#out + 1] = i .. "/" .. j end
print(table.concat(out, " "))
-- string bounds are coerced
out = {}
for i = "1", "3" do out[#out + 1] = i end
print(table.concat(out, " "))
print(pcall(loadstring("for i = 1, {} do end")))
print(pcall(loadstring("for i = nil, 2 do end")))
print(pcall(loadstring("for i = 1, 2, 'x' do end")))
-- large counts and negative zero step direction
local n = 0
for i = 1, 100000 do n = n + i end
print(n)
n = 0
for i = 10, 1, -1 do n = n * 2 + i end
print(n)
-- while with break, nested loops with break
local i = 0
while true do i = i + 1; if i > 7 then break end end
print(i)
local pairs_found = {}
for a = 1, 3 do
  for b = 1, 3 do
    if b > a then break end
    pairs_found[#pairs_found + 1] = a .. b
  end
end
print(table.concat(pairs_found, ","))
-- repeat until with a false/nil condition
local r = 0
repeat r = r + 1 until r == 4 or nil
print(r)
-- generic for with a custom stateless iterator
local function iter(s, c) if c < s then return c + 1, (c + 1) * (c + 1) end end
out = {}
for k, sq in iter, 4, 0 do out[#out + 1] = k .. ":" .. sq end
print(table.concat(out, " "))
-- generic for with a closure iterator and extra values ignored
local function range(n)
  local k = 0
  return function() k = k + 1; if k <= n then return k, "extra" end end
end
out = {}
for k in range(3) do out[#out + 1] = k end
print(table.concat(out, " "))
-- ipairs stops at the first nil
out = {}
for k, v in ipairs({1, 2, nil, 4}) do out[#out + 1] = k .. "=" .. v end
print(table.concat(out, " "))
-- loop with a float accumulating step (exact binary fractions)
local count = 0
for x = 1, 2, 0.125 do count = count + 1 end
print(count)
-- for with huge bounds terminates by break
for x = 1, math.huge do if x >= 3 then print("huge", x) break end end
for x = -1, -math.huge, -1 do if x <= -2 then print("neg huge", x) break end end
