-- Long strings and long comments with levels; the first newline is skipped.
local a = [[
first line
second]]
print(a)
print(#a)
local b = [==[
contains ]] and ]=] but not the closer]==]
print(b)
local c = [[]]
print(#c, c == "")
local d = [=[a]]b]=]
print(d)
--[[ a long comment
spanning lines ]] print("after long comment")
--[==[ level two comment ]] still comment
]==] print("after level two comment")
--[ not a long comment, just a line comment
print("line comment ok")
local e = [[
]]
print(#e)
local f = [[

two]]
print(#f, f:byte(1))
-- nested brackets of other levels inside a long string
local g = [===[ [[ ]] [=[ ]=] [==[ ]==] ]===]
print(g)
-- CR LF inside long strings is normalised to a single newline
local h = loadstring("return [[a\r\nb]]")()
print(#h, h:byte(2))
local i = loadstring("return [[a\n\rb]]")()
print(#i, i:byte(2))
local j = loadstring("return [[\r\nx]]")()
print(#j, j)
