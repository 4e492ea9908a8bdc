-- Found by fuzz target `run`: an error raised by a __gc finalizer while collectgarbage()
-- runs it crashed the VM (segmentation fault). In LuaJIT the error propagates out of
-- collectgarbage like any other error, and the state stays usable.
do
  local u = newproxy(true)
  getmetatable(u).__gc = function() error("boom", 0) end
end
print(pcall(collectgarbage))
print(pcall(collectgarbage))
local t = {}
for i = 1, 100 do t[i] = {i} end
print(#t, "alive")
