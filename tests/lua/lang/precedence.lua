-- Operator precedence and associativity (Lua 5.1 manual section 2.5.6).
print(2 + 3 * 4, (2 + 3) * 4, 2 * 3 ^ 2, -2 ^ 2, (-2) ^ 2)
print(2 ^ 3 ^ 2, (2 ^ 3) ^ 2)              -- ^ is right associative
print("a" .. "b" .. "c" == "abc", 1 .. 2 .. 3) -- .. is right associative
print(1 + 2 .. "", 2 * 3 .. 4)               -- arithmetic binds tighter than ..
print(1 < 2 == true, not 1 == 2, not (1 == 2))
print(1 == 1 and 2 or 3, nil and 1 or 2, false or nil, nil or false)
print(1 or error("not evaluated"), nil and error("not evaluated"))
print(10 - 2 - 3, 100 / 10 / 5, 7 % 4 % 3)   -- left associative
print(-3 % 5, -(3 % 5), 2 ^ -1, - - 3)
print(#"abc" + 1, -#"ab", not not nil)
print(1 .. "" == "1" and "yes" or "no")
print("10" + 1 < 12, "a" < "b" and "b" < "c")
print(2 ^ 2 * 3, 2 * 2 ^ 3, 2 ^ -2 ^ 2)
local t = {n = 5}
print(t.n * 2 + 1, -t.n ^ 2, #t .. "x")
print(1 and nil or "default", false and 1 or nil)
print(3 > 2 and 2 > 1, 3 > 2 and 2 < 1 or "fallback")
