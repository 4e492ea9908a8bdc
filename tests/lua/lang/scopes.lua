-- Blocks, shadowing, globals vs locals, do-end, nested functions.
x = "global"
local x = "local"
print(x, _G.x)
do
  local x = "inner"
  print(x)
end
print(x)
local function f() return x end
x = "changed"
print(f())
local y = 1
local function g() local y = y + 1; return y end
print(g(), y)
-- globals are fields of _G
newglobal = 42
print(_G.newglobal, rawget(_G, "newglobal"))
_G.viaG = "yes"
print(viaG)
-- many locals
local a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
print(a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10)
-- long chain of elseif
local function classify(n)
  if n < 0 then return "neg" elseif n == 0 then return "zero"
  elseif n < 10 then return "small" elseif n < 100 then return "medium"
  else return "large" end
end
print(classify(-1), classify(0), classify(5), classify(50), classify(500))
-- nested functions see outer locals declared before them only
local late
local function seeLate() return late end
late = "set later"
print(seeLate())
-- a chunk returns values
print(loadstring("return 1, 2, ...")(3, 4))
print(loadstring("local a = ... ; return a * 2")(21))
