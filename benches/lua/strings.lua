-- bench: full=250000 quick=3000
-- String processing: string.format, concatenation, find, gsub, match, sub, byte, rep, upper.
local N = tonumber(arg and arg[1]) or 250000
local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
local hash, found, replaced, total_len = 0, 0, 0, 0
for i = 1, N do
  local w = words[i % #words + 1]
  local line = string.format("%05d:%s=%d;%s,%0.2f", i, w, i * 7 % 1000, w:upper(), i / 8)
  line = line .. "|" .. string.rep("ab", i % 5) .. "|" .. w
  total_len = total_len + #line
  if line:find("eta", 1, true) then found = found + 1 end
  local key, val = line:match("^%d+:(%a+)=(%d+);")
  if key == w then hash = (hash * 31 + tonumber(val)) % 1000000007 end
  local s, n = line:gsub("[aeiou]", "%0%0")
  replaced = replaced + n
  hash = (hash + s:byte(#s) + #s:sub(3, -3)) % 1000000007
end
local parts = {}
for i = 1, N / 10 do parts[#parts + 1] = tostring(i) end
local joined = table.concat(parts, ",")
local commas = select(2, joined:gsub(",", ","))
local sum = 0
for num in joined:gmatch("%d+") do sum = sum + tonumber(num) end
print(string.format("strings %d: len %d, found %d, replaced %d, hash %d, commas %d, sum %d",
  N, total_len, found, replaced, hash, commas, sum))
