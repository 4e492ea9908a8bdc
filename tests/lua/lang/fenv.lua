-- setfenv / getfenv on functions and levels.
local function show() return tostring(value) end
value = "global value"
print(show())
local env = setmetatable({value = "env value"}, {__index = _G})
setfenv(show, env)
print(show(), value)
print(getfenv(show) == env, getfenv(print) == _G, getfenv(0) == _G, getfenv() == _G)
local function setter()
  setfenv(1, {print = print, tostring = tostring, value = "level one"})
  return tostring(value)
end
print(setter(), value)
local chunk = loadstring("gv = 5; return gv")
local sandbox = {}
setfenv(chunk, sandbox)
print(chunk(), sandbox.gv, gv)
-- a new closure inherits the environment of its creator
local function maker() return function() return who end end
setfenv(maker, {who = "maker env"})
print(maker()())
print(pcall(setfenv, 1.5, {}))
print(pcall(setfenv, print, {}))
print(select("#", getfenv(1)))
print(type(getfenv(1)))
