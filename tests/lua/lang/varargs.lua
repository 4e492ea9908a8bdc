-- Varargs, select, the implicit arg table is not created in 5.1 functions using '...'.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass())
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-2, "a", "b", "c"))
print(pcall(select, -4, "a", "b", "c"))
print(pcall(select, 0, "a"))
local function tbl(...) local t = {...}; return #t, t[1], t[#t] end
print(tbl(5, 6, 7))
local function middle(...) local a, b = ...; return a, b end
print(middle(1), middle(1, 2, 3))
local function tail(...) return select("#", ...), ... end
print(tail(nil, nil))
local function varfirst(...) return ..., "end" end
print(varfirst(1, 2, 3))
print(({pass(1, 2, 3), pass(4, 5)})[3], ({pass(1, 2, 3), pass(4, 5)})[4])
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4, 5))
print(string.format("%d %s %s", pass(1, "two", "three")))
local function nest(...)
  local function inner(...) return select("#", ...) end
  return inner(..., ...)
end
print(nest(1, 2))
print(math.max(pass(3, 9, 4)))
local many = {}
for i = 1, 250 do many[i] = i end
print(count(unpack(many)), sum(unpack(many)))
