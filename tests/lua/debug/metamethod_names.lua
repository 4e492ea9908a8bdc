-- Metamethods called by instructions are named after their event, as LuaJIT names them,
-- in debug.getinfo and in tracebacks.
local function tb(msg)
  -- the last line names the host ("[C]: ?" or an address): leave it out
  return (debug.traceback(msg):gsub("\n\t%[C%]: [^\n]*$", ""))
end
local function who()
  local i = debug.getinfo(2, "n")
  return tostring(i.name) .. " " .. tostring(i.namewhat)
end
local mt = {}
mt.__index = function(t, k) print("index", who()); print(tb("in index")); return 1 end
mt.__newindex = function(t, k, v) print("newindex", who()) end
mt.__add = function() print("add", who()) return 0 end
mt.__sub = function() print("sub", who()) return 0 end
mt.__mul = function() print("mul", who()) return 0 end
mt.__div = function() print("div", who()) return 0 end
mt.__mod = function() print("mod", who()) return 0 end
mt.__pow = function() print("pow", who()) return 0 end
mt.__unm = function() print("unm", who()) return 0 end
mt.__len = function() print("len", who()) return 0 end
mt.__concat = function() print("concat", who()) return "" end
mt.__eq = function() print("eq", who()) return true end
mt.__lt = function() print("lt", who()) return true end
mt.__le = function() print("le", who()) return true end
mt.__call = function() print("call", who()) end
local a, b = setmetatable({}, mt), setmetatable({}, mt)
local _ = a.x
a.y = 1
_ = a + 1; _ = a - 1; _ = a * 1; _ = a / 1; _ = a % 1; _ = a ^ 1; _ = -a
_ = "s" .. a
_ = a == b; _ = a < b; _ = a <= b
a()
local u = setmetatable({}, {__unm = who, __len = who})
print(-u)
-- `<=` through `__lt` is named by the instruction
local lt_only = setmetatable({}, {__lt = function() print("le via lt", who()) return false end})
print(lt_only <= lt_only)
-- an error in a metamethod: position and traceback
local bad = setmetatable({}, {__index = function(t, k) error("bad key " .. k) end})
print(pcall(function() return bad.k end))
print(select(2, xpcall(function() return bad.j end, tb)))
-- a native metamethod's errors carry the position of the instruction that called it
local nat = setmetatable({}, {__index = string.rep})
print(pcall(function() return nat.x end))
