-- __gc on userdata made by newproxy; collectgarbage options.
local finalized = {}
do
  for i = 1, 5 do
    local u = newproxy(true)
    getmetatable(u).__gc = function() finalized[#finalized + 1] = i end
  end
end
collectgarbage()
collectgarbage()
table.sort(finalized)
print(#finalized, table.concat(finalized, " "))
-- a proxy kept alive is not finalized
local alive = newproxy(true)
local alive_done = false
getmetatable(alive).__gc = function() alive_done = true end
collectgarbage()
print(alive_done)
alive = nil
collectgarbage()
collectgarbage()
print(alive_done)
-- __gc on tables is ignored in 5.1
local tgc = false
do setmetatable({}, {__gc = function() tgc = true end}) end
collectgarbage()
print(tgc)
-- collectgarbage options
print(type(collectgarbage("count")), collectgarbage("count") > 0)
print(collectgarbage("collect"), collectgarbage())
print(type(collectgarbage("step")))
print(type(collectgarbage("setpause", 200)), type(collectgarbage("setstepmul", 200)))
print(collectgarbage("stop"), collectgarbage("restart"))
print(pcall(collectgarbage, "bogus"))
-- garbage is actually reclaimed: allocate a lot, memory goes back down
collectgarbage()
local before = collectgarbage("count")
do local t = {}; for i = 1, 100000 do t[i] = {i} end end
collectgarbage()
collectgarbage()
local after = collectgarbage("count")
print(after < before + 1000)
-- cycles are reclaimed
local weak = setmetatable({}, {__mode = "k"})
local function cycle()
  local a, b = {}, {}
  a.other = b; b.other = a
  weak[a] = true
end
cycle()
collectgarbage()
print(next(weak))
-- the finalizer can resurrect nothing visible but runs once
local runs = 0
do local u = newproxy(true); getmetatable(u).__gc = function() runs = runs + 1 end end
collectgarbage(); collectgarbage(); collectgarbage()
print(runs)
