-- create/resume/yield/status, values passed both ways, dead coroutines.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", a
end)
print(type(co), coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(co))
-- yield with no values and many values
local many = coroutine.create(function(...)
  coroutine.yield()
  coroutine.yield(...)
  return select("#", ...)
end)
print(coroutine.resume(many, 1, nil, 3))
print(coroutine.resume(many))
print(coroutine.resume(many))
-- status inside: running; the resumer is normal
local outer
local inner = coroutine.create(function()
  print("inner sees outer as", coroutine.status(outer))
  print("inner sees itself as", coroutine.status(coroutine.running()))
end)
outer = coroutine.create(function() coroutine.resume(inner) end)
coroutine.resume(outer)
print(coroutine.status(outer), coroutine.status(inner))
-- running in the main thread is nil in 5.1
print(coroutine.running())
-- yield across nested Lua calls
local function deep(n) if n == 0 then return coroutine.yield("bottom") end return deep(n - 1) .. "" end
local d = coroutine.create(function() return "result:" .. deep(20) end)
print(coroutine.resume(d))
print(coroutine.resume(d, "resumed"))
-- generators
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local acc = {}
for v in gen(5) do acc[#acc + 1] = v end
print(table.concat(acc, " "))
-- errors inside a coroutine
local bad = coroutine.create(function() error("oops") end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
local bad2 = coroutine.create(function() error({code = 7}) end)
local ok, e = coroutine.resume(bad2)
print(ok, type(e), e.code)
-- resuming a running coroutine / non-suspended
local selfres
selfres = coroutine.create(function() return coroutine.resume(selfres) end)
print(coroutine.resume(selfres))
print(pcall(coroutine.resume, 1))
local okc, msgc = pcall(coroutine.create, 1)
print(okc, (string.find(msgc, "bad argument #1 to '?'", 1, true)))
-- a coroutine's locals survive many yields
local counter = coroutine.wrap(function()
  local total = 0
  while true do total = total + (coroutine.yield(total) or 0) end
end)
counter()
for i = 1, 100 do counter(i) end
print(counter(0))
