-- Every Lua 5.1 escape sequence.
local s = "\a\b\f\n\r\t\v\\\"\'"
print(s:byte(1, -1))
print("\65\066\0677", #"\0677")
print("x\0y" == "x\000y", #"x\0y")
print(("\255"):byte(), ("\0"):byte(), ("\9"):byte())
print("line one\
line two")
print(#"a\
b", ("a\
b"):byte(2))
print('single "quoted"', "double 'quoted'")
print("\\n is not a newline")
print("tab\there")
local t = {}
for i = 0, 255, 15 do t[#t + 1] = loadstring("return '\\" .. i .. "'")():byte() end
print(table.concat(t, ","))
-- a backslash followed by a digit run of at most three digits
print(#"\1234", ("\1234"):byte(1), ("\1234"):sub(2))
