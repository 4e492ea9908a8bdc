-- Weak tables: entries whose weak key or value is collected disappear after a full cycle.
local function count(t) local n = 0; for _ in pairs(t) do n = n + 1 end; return n end
local weakk = setmetatable({}, {__mode = "k"})
local weakv = setmetatable({}, {__mode = "v"})
local weakkv = setmetatable({}, {__mode = "kv"})
local keep = {}
for i = 1, 10 do
  local obj = {i}
  weakk[obj] = i
  weakv[i] = obj
  weakkv[obj] = obj
  if i % 2 == 0 then keep[#keep + 1] = obj end
end
-- non-collectable keys and values stay
weakk["str"] = {}
weakv["num"] = 42
weakv["s"] = "strings are values, never collected from weak tables"
collectgarbage()
collectgarbage()
print(count(weakk), count(weakv), count(weakkv))
local remaining = {}
for k, v in pairs(weakk) do if type(k) == "table" then remaining[#remaining + 1] = v end end
table.sort(remaining)
print(table.concat(remaining, " "))
print(weakv.num, weakv.s ~= nil)
-- a weak-valued cache
local cache = setmetatable({}, {__mode = "v"})
local function get(n) local v = cache[n]; if not v then v = {n = n}; cache[n] = v end; return v end
local held = get(1)
-- garbage made in a callee that has returned: no live stack slot can still hold it
local function fill() get(2); get(3) end
fill()
collectgarbage()
print(cache[1] == held, cache[2], cache[3])
-- strong references through another table keep keys alive
keep = nil
collectgarbage()
print(count(weakk), count(weakkv))
-- a weak-keyed table does not keep its own values' keys alive (ephemeron-like in 5.1: values are strong)
local wk = setmetatable({}, {__mode = "k"})
do local key = {}; wk[key] = "v" end
collectgarbage()
print(next(wk))
