-- A collection between a native call with open results and the call that consumes them
-- (`f(g())`) must not change how many values are passed (the safe point used to leave the
-- stack top raised to the frame's register window).
local bad
for i = 1, 200000 do
  local c = select('#', tostring(i))
  if c ~= 1 then bad = i break end
end
print("select count", bad or "ok")
local function pack(...) return select('#', ...) end
local n = 0
for i = 1, 100000 do
  n = n + pack(string.format("%d", i))
end
print("packed", n)
local t = {}
for i = 1, 50000 do
  t[#t + 1] = {tostring(i)}
  if #t[#t] ~= 1 then print("setlist", i) break end
end
print("tables", #t)
