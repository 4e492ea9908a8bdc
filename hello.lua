-- The README's first program: `scripts/crescent hello.lua`.
print("hello from " .. _VERSION .. " (" .. jit.version .. " compatible, jit " .. (jit.status() and "on" or "off") .. ")")
local t = {}
for i = 1, 10 do t[#t + 1] = i * i end
print("squares: " .. table.concat(t, " "))
