-- tostring of numbers (%.14g) and of the other types.
local values = {0, 1, -1, 0.5, 0.1, 1/3, 2/3, 10/3, 100, 1e14, 1e15, 1e16, 1e17, 1e100, 1e-5,
  1e-4, 1e-300, 123456.789, 2^24, 2^31 - 1, 2^32, 2^52, 2^53, 2^63, -2^63, 3.14159265358979,
  255 / 256, 1e21, 12345678901234, 1234567890123456, 0.000123456789}
for i, v in ipairs(values) do values[i] = tostring(v) end
print(table.concat(values, " "))
print(tostring(1/0), tostring(-1/0))
print(tostring(nil), tostring(true), tostring(false), tostring("str"))
print(type(tostring(print)), tostring(print):match("^(%a+): ") )
print(tostring({}):match("^table: ") ~= nil, tostring(coroutine.create(function() end)):match("^thread: ") ~= nil)
print(tostring(newproxy()):match("^userdata: ") ~= nil)
print(pcall(tostring))
print(string.format("%s %s", 1e15, 0.1), 1e15 .. "")
print(tostring(2^53 + 1), tostring(-2^53), tostring(9007199254740993))
print(math.pi, -math.pi, math.huge, -math.huge)
