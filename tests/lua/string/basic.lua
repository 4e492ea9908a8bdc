-- byte, char, len, lower, upper, rep, reverse, sub.
print(string.byte("ABC"), string.byte("ABC", 2), string.byte("ABC", -1), string.byte("ABC", 1, 3))
print(string.byte("ABC", 0), string.byte("ABC", 10), string.byte(""), select("#", string.byte("abc", 3, 1)))
print(string.byte("ABC", -10, 10))
print(string.char(), string.char(72, 105), string.char(0):len(), #string.char(0, 255, 1))
print(pcall(string.char, 256))
print(pcall(string.char, -1))
print(string.len(""), string.len("abc"), string.len("a\0b"), ("\0\0\0"):len())
print(string.lower("HeLLo 123 ÀB"), string.upper("hello_world!"), ("MiXeD"):lower())
print(string.rep("ab", 3), string.rep("x", 0), string.rep("x", -5), string.rep("", 100))
print(#string.rep("abc", 1000), string.rep("a", 3.9))
print(string.reverse("abc"), string.reverse(""), string.reverse("a\0b"):byte(2))
local s = "hello world"
print(s:sub(1, 5), s:sub(7), s:sub(-5), s:sub(-5, -3), s:sub(0), s:sub(5, 1), s:sub(100))
print(s:sub(-100, 2), s:sub(3, 3), s:sub(2.7, 4.2), s:sub(-3, 100), ("x"):sub(1, 0) == "")
print(("abc"):sub(2, -2), ("abc"):sub(-1, -1), ("abc"):sub(4, 5) == "")
print(string.byte(string.char(1, 2, 3), 1, -1))
print(pcall(string.sub))
print(pcall(string.rep, "x"))
print(pcall(string.byte, {}))
-- strings are values: operations return new strings
local orig = "keep"
local up = orig:upper()
print(orig, up)
-- string.len vs # with numbers
print(string.len(123), #tostring(1.5))
print(("%"):rep(3), ("a"):rep(3, nil))
