-- Coroutines resuming coroutines 150 levels deep (PUC Lua 5.1 allows about 190, LuaJIT more):
-- the innermost yields to its resumer, every level then returns to the one above.
local function chain(depth)
  if depth == 0 then return coroutine.yield("bottom") end
  local co = coroutine.create(chain)
  local ok, v = coroutine.resume(co, depth - 1)
  if not ok then return "error at depth " .. depth .. ": " .. tostring(v) end
  return v .. "<" .. depth
end
local top = coroutine.create(chain)
local ok, s = coroutine.resume(top, 150)
print(ok, #s, s:sub(1, 24), s:sub(-12), coroutine.status(top))
