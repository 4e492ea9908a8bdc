-- Register pressure: loops keeping more values live than there are registers, so the
-- allocator must spill (and reload, and move spilled values at the back-edge); exits
-- restore spilled values. The shapes are regular on purpose (the file was generated),
-- the values are not (each accumulator has its own factor and offset).

local function doubles(n, stop)
  local a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, a33, a34, a35, a36 =
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36
  for i = 1, n do
    a1 = a1 * 0.515625 + a2 * 0.125 - 1
    a2 = a2 * 0.53125 + a3 * 0.125 - 2
    a3 = a3 * 0.546875 + a4 * 0.125 - 3
    a4 = a4 * 0.5625 + a5 * 0.125 - 4
    a5 = a5 * 0.578125 + a6 * 0.125 - 5
    a6 = a6 * 0.59375 + a7 * 0.125 - 6
    a7 = a7 * 0.609375 + a8 * 0.125 - 7
    a8 = a8 * 0.625 + a9 * 0.125 - 8
    a9 = a9 * 0.640625 + a10 * 0.125 - 9
    a10 = a10 * 0.65625 + a11 * 0.125 - 10
    a11 = a11 * 0.671875 + a12 * 0.125 - 11
    a12 = a12 * 0.6875 + a13 * 0.125 - 12
    a13 = a13 * 0.703125 + a14 * 0.125 - 13
    a14 = a14 * 0.71875 + a15 * 0.125 - 14
    a15 = a15 * 0.734375 + a16 * 0.125 - 15
    a16 = a16 * 0.75 + a17 * 0.125 - 16
    a17 = a17 * 0.765625 + a18 * 0.125 - 17
    a18 = a18 * 0.78125 + a19 * 0.125 - 18
    a19 = a19 * 0.796875 + a20 * 0.125 - 19
    a20 = a20 * 0.8125 + a21 * 0.125 - 20
    a21 = a21 * 0.828125 + a22 * 0.125 - 21
    a22 = a22 * 0.84375 + a23 * 0.125 - 22
    a23 = a23 * 0.859375 + a24 * 0.125 - 23
    a24 = a24 * 0.875 + a25 * 0.125 - 24
    a25 = a25 * 0.890625 + a26 * 0.125 - 25
    a26 = a26 * 0.90625 + a27 * 0.125 - 26
    a27 = a27 * 0.921875 + a28 * 0.125 - 27
    a28 = a28 * 0.9375 + a29 * 0.125 - 28
    a29 = a29 * 0.953125 + a30 * 0.125 - 29
    a30 = a30 * 0.96875 + a31 * 0.125 - 30
    a31 = a31 * 0.984375 + a32 * 0.125 - 31
    a32 = a32 * 1.0 + a33 * 0.125 - 32
    a33 = a33 * 1.015625 + a34 * 0.125 - 33
    a34 = a34 * 1.03125 + a35 * 0.125 - 34
    a35 = a35 * 1.046875 + a36 * 0.125 - 35
    a36 = a36 * 1.0625 + a1 * 0.125 - 36
    if i == stop then break end  -- an exit with every accumulator live (and many spilled)
  end
  return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 + a16 + a17 + a18,
         a19 + a20 + a21 + a22 + a23 + a24 + a25 + a26 + a27 + a28 + a29 + a30 + a31 + a32 + a33 + a34 + a35 + a36, a1, a36
end

local function tables(n, stop)
  local t1 = {1, 1}
  local t2 = {2, 4}
  local t3 = {3, 9}
  local t4 = {4, 16}
  local t5 = {5, 25}
  local t6 = {6, 36}
  local t7 = {7, 49}
  local t8 = {8, 64}
  local t9 = {9, 81}
  local t10 = {10, 100}
  local t11 = {11, 121}
  local t12 = {12, 144}
  local t13 = {13, 169}
  local t14 = {14, 196}
  local t15 = {15, 225}
  local t16 = {16, 256}
  local t17 = {17, 289}
  local t18 = {18, 324}
  local t19 = {19, 361}
  local t20 = {20, 400}
  local t21 = {21, 441}
  local t22 = {22, 484}
  local t23 = {23, 529}
  local t24 = {24, 576}
  local t25 = {25, 625}
  local t26 = {26, 676}
  local s, p = 0, 0
  for i = 1, n do
    -- a rotation of all tables: a cycle of back-edge moves through spill slots
    t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18, t19, t20, t21, t22, t23, t24, t25, t26 =
      t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18, t19, t20, t21, t22, t23, t24, t25, t26, t1
    s = s + t1[1] * i + t2[2] - t26[1]
    p = (p * 7 + t13[1] + t25[2]) % 65521
    if i == stop then break end
  end
  return s, p, t1[1], t2[1], t26[1]
end

local function mixed(n)
  -- doubles and tables together, with a swap among spilled values
  local m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32 =
    0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5, 14.0, 14.5, 15.0, 15.5, 16.0
  local ta, tb = {3}, {5}
  for i = 1, n do
    ta, tb = tb, ta
    m1 = m1 + ta[1] * 1 - m32 * 0.0625
    m2 = m2 + ta[1] * 2 - m31 * 0.0625
    m3 = m3 + ta[1] * 3 - m30 * 0.0625
    m4 = m4 + ta[1] * 4 - m29 * 0.0625
    m5 = m5 + ta[1] * 5 - m28 * 0.0625
    m6 = m6 + ta[1] * 6 - m27 * 0.0625
    m7 = m7 + ta[1] * 7 - m26 * 0.0625
    m8 = m8 + ta[1] * 8 - m25 * 0.0625
    m9 = m9 + ta[1] * 9 - m24 * 0.0625
    m10 = m10 + ta[1] * 10 - m23 * 0.0625
    m11 = m11 + ta[1] * 11 - m22 * 0.0625
    m12 = m12 + ta[1] * 12 - m21 * 0.0625
    m13 = m13 + ta[1] * 13 - m20 * 0.0625
    m14 = m14 + ta[1] * 14 - m19 * 0.0625
    m15 = m15 + ta[1] * 15 - m18 * 0.0625
    m16 = m16 + ta[1] * 16 - m17 * 0.0625
    m17 = m17 + ta[1] * 17 - m16 * 0.0625
    m18 = m18 + ta[1] * 18 - m15 * 0.0625
    m19 = m19 + ta[1] * 19 - m14 * 0.0625
    m20 = m20 + ta[1] * 20 - m13 * 0.0625
    m21 = m21 + ta[1] * 21 - m12 * 0.0625
    m22 = m22 + ta[1] * 22 - m11 * 0.0625
    m23 = m23 + ta[1] * 23 - m10 * 0.0625
    m24 = m24 + ta[1] * 24 - m9 * 0.0625
    m25 = m25 + ta[1] * 25 - m8 * 0.0625
    m26 = m26 + ta[1] * 26 - m7 * 0.0625
    m27 = m27 + ta[1] * 27 - m6 * 0.0625
    m28 = m28 + ta[1] * 28 - m5 * 0.0625
    m29 = m29 + ta[1] * 29 - m4 * 0.0625
    m30 = m30 + ta[1] * 30 - m3 * 0.0625
    m31 = m31 + ta[1] * 31 - m2 * 0.0625
    m32 = m32 + ta[1] * 32 - m1 * 0.0625
    m1, m32 = m32, m1
  end
  return m1 + m2 + m3 + m4 + m5 + m6 + m7 + m8 + m9 + m10 + m11 + m12 + m13 + m14 + m15 + m16 + m17 + m18 + m19 + m20 + m21 + m22 + m23 + m24 + m25 + m26 + m27 + m28 + m29 + m30 + m31 + m32, m1, m32, ta[1]
end

local function across_calls(n)
  -- twelve values live across each helper call (x ^ y): more than the eight
  -- callee-saved FP registers, so some are spilled around the calls
  local c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12 =
    1.25, 2.25, 3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 9.25, 10.25, 11.25, 12.25
  for i = 1, n do
    local p = (i % 4 + 1) ^ 0.5
    c1 = c1 * 0.75 + c2 * p - 1
    c2 = c2 * 0.75 + c3 * p - 2
    c3 = c3 * 0.75 + c4 * p - 3
    c4 = c4 * 0.75 + c5 * p - 4
    c5 = c5 * 0.75 + c6 * p - 5
    c6 = c6 * 0.75 + c7 * p - 6
    c7 = c7 * 0.75 + c8 * p - 7
    c8 = c8 * 0.75 + c9 * p - 8
    c9 = c9 * 0.75 + c10 * p - 9
    c10 = c10 * 0.75 + c11 * p - 10
    c11 = c11 * 0.75 + c12 * p - 11
    c12 = c12 * 0.75 + c1 * p - 12
    local q = p ^ 1.5
    c1, c12 = c12 + q, c1 - q
  end
  return c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12, c1, c12
end

for _, n in ipairs({40, 3, 1, 0, 17}) do
  print(n, 'calls', across_calls(n))
  print(n, 'doubles', doubles(n, -1))
  print(n, 'tables', tables(n, -1))
  print(n, 'mixed', mixed(n))
end
for _, stop in ipairs({1, 2, 9, 30}) do
  print(stop, 'doubles exit', doubles(30, stop))
  print(stop, 'tables exit', tables(30, stop))
end
