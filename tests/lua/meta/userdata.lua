-- Metamethods on userdata (newproxy): index, newindex, call, arithmetic, comparison,
-- concatenation, length, tostring; proxies sharing one metatable compare with __eq.
local store = {}
local proto = newproxy(true)
local mt = getmetatable(proto)
local function new(v)
  local u = newproxy(proto) -- shares proto's metatable
  store[u] = v
  return u
end
mt.__index = function(u, k) if k == "value" then return store[u] end return "field " .. k end
mt.__newindex = function(u, k, v) if k == "value" then store[u] = v else error("read-only field " .. k, 2) end end
mt.__call = function(u, a, b) return store[u] + a + b end
mt.__add = function(a, b) return new(store[a] + store[b]) end
mt.__unm = function(a) return new(-store[a]) end
mt.__eq = function(a, b) return store[a] == store[b] end
mt.__lt = function(a, b) return store[a] < store[b] end
mt.__le = function(a, b) return store[a] <= store[b] end
mt.__concat = function(a, b)
  local function s(x) return type(x) == "userdata" and ("<" .. store[x] .. ">") or tostring(x) end
  return s(a) .. s(b)
end
mt.__len = function(u) return store[u] * 10 end
mt.__tostring = function(u) return "proxy(" .. store[u] .. ")" end
local a, b, c = new(1), new(2), new(1)
print(a.value, b.other, a(10, 100), (a + b).value, (-b).value)
a.value = 5
print(a.value, pcall(function() a.other = 1 end))
a.value = 1
print(a == c, a ~= b, a < b, b <= a, a <= c, rawequal(a, c))
print(a .. b, "x" .. a, a .. 1, #b, tostring(b))
print(type(a), getmetatable(a) == mt, getmetatable(newproxy()) == nil)
-- a proxy with a different metatable is never == (different __eq)
local other = newproxy(true)
getmetatable(other).__eq = function() return true end
store[other] = 1
print(a == other, other == a)
-- userdata as table keys are by identity
local keyed = {[a] = "a", [c] = "c"}
print(keyed[a], keyed[c])
