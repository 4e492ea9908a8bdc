-- Multiple returns: adjustment to one value, expansion at the end of lists.
local function mr() return 1, 2, 3 end
local function none() end
print(mr())
print(mr(), mr())
print((mr()))
print(none())
print(none(), 1)
print(select("#", none()), select("#", (none())))
local t = {mr(), mr()}
print(#t)
t = {mr(), nil}
print(#t)
t = {none(), none()}
print(#t)
print(mr() + 10)
print(string.rep("x", mr()))
local a, b, c, d = mr()
print(a, b, c, d)
local function wrap() return mr() end
print(wrap())
local function wrap2() return (mr()) end
print(wrap2())
local function cond(x) if x then return mr() else return none() end end
print(cond(true))
print(cond(false))
print(select("#", cond(false)))
local function deep(n) if n == 0 then return mr() end return deep(n - 1) end
print(deep(50))
print(#{mr(), mr(), mr()})
print(math.max(mr()), math.min(mr(), 0))
local s = 0
for _, v in ipairs({mr()}) do s = s + v end
print(s)
print(pcall(mr))
print(tostring(mr()))
