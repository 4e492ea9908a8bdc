-- __call, __concat, __len, __tostring, __metatable.
local callable = setmetatable({}, {__call = function(self, a, b) return "called", a, b end})
print(callable(1, 2))
print(pcall(callable, "x"))
local adder = setmetatable({n = 10}, {__call = function(self, x) return self.n + x end})
print(adder(5))
-- __call on a callable returned from a method
local chain = setmetatable({}, {__index = function() return adder end})
print(chain.anything(1))
-- __concat with either side
local C = setmetatable({}, {__concat = function(a, b)
  local function s(v) return type(v) == "table" and "C" or tostring(v) end
  return s(a) .. "+" .. s(b)
end})
print(C .. "x", "x" .. C, 1 .. C, C .. C)
print("a" .. "b" .. C .. "d")
-- __len is not used for tables in 5.1, only for userdata
local lt = setmetatable({1, 2, 3}, {__len = function() return 99 end})
print(#lt)
local ud = newproxy(true)
getmetatable(ud).__len = function() return 42 end
print(#ud)
-- __tostring is used by tostring and print
local named = setmetatable({}, {__tostring = function() return "I am named" end})
print(tostring(named))
print(named)
local bad = setmetatable({}, {__tostring = function() return 1 end})
print(pcall(tostring, bad))
-- __metatable protects the metatable
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot))
print(pcall(setmetatable, prot, {}))
local protfalse = setmetatable({}, {__metatable = false})
print(getmetatable(protfalse))
-- getmetatable of non-tables
print(getmetatable(1), getmetatable(nil), type(getmetatable("s")))
-- setmetatable(t, nil) removes it
local rm = setmetatable({}, {__index = {k = 1}})
print(rm.k, setmetatable(rm, nil) == rm, rm.k)
print(pcall(setmetatable, {}, 1))
-- __index on userdata
local u2 = newproxy(true)
getmetatable(u2).__index = function(_, k) return k .. "?" end
print(u2.field, type(u2))
-- newproxy sharing a metatable
local u3 = newproxy(u2)
print(getmetatable(u3) == getmetatable(u2), u3.other)
local u4 = newproxy(false)
print(getmetatable(u4))
-- __call with no metamethod is an error
print(pcall(function() local t = {} ; t() end))
