-- bench: full=350 quick=40
-- Dense N x N matrix multiplication with tables of rows.
local N = tonumber(arg and arg[1]) or 350
local function matgen(n, seed)
  local m, tmp = {}, seed / n / n
  for i = 1, n do
    local row = {}
    for j = 1, n do row[j] = tmp * (i - j) * (i + j - 2) end
    m[i] = row
  end
  return m
end
local function matmul(a, b, n)
  local c = {}
  for i = 1, n do
    local ci, ai = {}, a[i]
    for j = 1, n do
      local s = 0
      for k = 1, n do s = s + ai[k] * b[k][j] end
      ci[j] = s
    end
    c[i] = ci
  end
  return c
end
local a, b = matgen(N, 1.0), matgen(N, 2.0)
local c = matmul(a, b, N)
local mid = math.floor(N / 2) + 1
local trace = 0
for i = 1, N do trace = trace + c[i][i] end
print(string.format("matmul %d: c[mid][mid] = %0.6f, trace = %0.6f", N, c[mid][mid], trace))
