-- Found by scripts/difftest (seed 2001117 against luajit -joff): a string built by
-- concatenation, "1e2100166666", went through tonumber. LuaJIT's number scanner refuses
-- written exponents from 2^20 up (STRSCAN_MAXEXP): tonumber gives nil, arithmetic
-- coercion fails and the numeral is malformed. crescent returned inf.
for _, s in ipairs({"1e1048575", "1e1048576", "1e-1048575", "1e-1048576", "1e2100166666",
                    "0.000001e2100166666", "0x1p1048575", "0x1p1048576", "0x1p-1048576",
                    "1e0000000000001", " 1E+1048576 ", "-1e1048576"}) do
  print(s, tonumber(s), pcall(function() return s + 0 end))
end
print(math.abs(tonumber("1e2100166666") or 0) ^ 3)
print((loadstring("return 1e1048575"))())
print(loadstring("return 1e1048576"))
print(loadstring("return 0x1p1048576"))
print(("1e1048576"):rep(2, "|"):find("1e1048576", 1, true))
