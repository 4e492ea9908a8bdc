-- Sum loops: numeric for, while, repeat; float and integral steps.
local s = 0
for i = 1, 1000 do s = s + i end
print(s)
local t = 0
for i = 10, 1, -0.5 do t = t + i * i end
print(t)
local n, acc = 0, 1
while n < 300 do acc = acc * 1.01 n = n + 1 end
print(n, acc)
local k = 0
repeat k = k + 3 until k >= 1000
print(k)
