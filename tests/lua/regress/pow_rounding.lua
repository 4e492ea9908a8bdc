-- Found by scripts/difftest (seed 29 against luajit): `x ^ y` and math.pow were computed
-- with the libm crate's pow (musl's algorithm, errors up to about 1 ulp), while LuaJIT and
-- PUC Lua call the C library's pow, which glibc rounds correctly. The results differed in
-- the last bit, and checksums built on them drifted apart. crescent now rounds integral
-- powers correctly at every magnitude (x^3 near 1e308 was still 1 ulp off: difftest seed
-- 2000136). Not here: 8022.3405151367188 ^ 2 (difftest seed 1000244), an exact tie that
-- glibc's pow rounds away from even, unlike x * x and crescent (fuzz/README.md).
local function show(x) return string.format("%.17g", x) end
local x = 99.036935480326065
print(show(x ^ 3), show(math.pow(x, 3)))
local cases = {
  {99.036935480326065, 3}, {1.0000001, 1e7}, {2, 0.5}, {10, -3}, {7.5, 2.5},
  {123.456, 3.3}, {math.ldexp(0x10d46c05bf028b, 289), 3}, {0.9, 123}, {1e-3, 7}, {3, 40}, {2.5, -7.25},
}
for _, c in ipairs(cases) do
  print(show(c[1]), show(c[2]), show(c[1] ^ c[2]), show(math.pow(c[1], c[2])))
end
