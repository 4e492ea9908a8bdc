-- Arithmetic corners: modulo signs and floats, division by zero, NaN comparisons, powers,
-- precision at 2^53, negative zero arithmetic (printed through comparisons, not tostring).
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 7.5 % 2, -7.5 % 2, 7.5 % -2, 0 % 5)
local m = 5 % math.huge
print(m ~= m, -5 % math.huge == math.huge, 1e308 % 3, 2^53 % 2, (2^53 + 1) % 2)
print(1 / 0, -1 / 0, 0 / 0 ~= 0 / 0, 1 / 0 == math.huge, -1 / 0 == -math.huge)
local nan = 0 / 0
print(nan == nan, nan ~= nan, nan < 1, nan > 1, nan <= nan, 1 < nan, not (nan >= 0))
print(2 ^ 10, 2 ^ 0.5 == math.sqrt(2), 0 ^ 0, 0 ^ 1, 1 ^ nan, 10 ^ -2, (-2) ^ 2, (-2) ^ 3)
print((-8) ^ (1 / 3) ~= (-8) ^ (1 / 3), 2 ^ 1024 == math.huge, 2 ^ -1080 == 0)
print(2 ^ 53 == 2 ^ 53 + 1, 2 ^ 53 - 1 == 2 ^ 53, 9007199254740993 == 2 ^ 53)
print(0.1 + 0.2 == 0.3, math.abs(0.1 + 0.2 - 0.3) < 1e-15, 1e16 + 1 == 1e16)
local zero = 0
local nz = zero * -1 -- computed at run time (PUC folds a -0 constant into 0)
print(nz == 0, 1 / nz, 1 / (zero * -1), 1 / (nz + 0), 1 / (nz * nz), 1 / -nz)
print(math.floor(-0.5), math.ceil(-0.5) == 0, 1 / math.ceil(-0.5))
print(3 - -3, - - -3, -(-3), 10 - 2 * 3 ^ 2 / 6 % 4)
print(1e308 * 10 == math.huge, -1e308 * 10 == -math.huge, 1e-320 > 0, 5e-324 / 2)
print(math.huge - math.huge ~= 0, math.huge + math.huge, -math.huge - 1)
