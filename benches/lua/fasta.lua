-- bench: full=500000 quick=25000
-- Fasta-style sequence generation: a linear congruential generator, cumulative probability
-- lookup and a string builder (table of fragments + table.concat) per output line.
local N = tonumber(arg and arg[1]) or 500000
local IM, IA, IC = 139968, 3877, 29573
local last = 42
local function random(max)
  last = (last * IA + IC) % IM
  return max * last / IM
end
local ALU = "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG" ..
  "GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA" ..
  "CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT" ..
  "ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA" ..
  "GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG" ..
  "AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC" ..
  "AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA"
local IUB = {
  {"a", 0.27}, {"c", 0.12}, {"g", 0.12}, {"t", 0.27}, {"B", 0.02}, {"D", 0.02}, {"H", 0.02},
  {"K", 0.02}, {"M", 0.02}, {"N", 0.02}, {"R", 0.02}, {"S", 0.02}, {"V", 0.02}, {"W", 0.02},
  {"Y", 0.02},
}
local HOMO = {{"a", 0.3029549426680}, {"c", 0.1979883004921}, {"g", 0.1975473066391},
  {"t", 0.3015094502008}}
local WIDTH = 60
-- Output is summarised, not printed: line count, byte count and a rolling hash.
local lines, bytes, hash = 0, 0, 0
local function emit(line)
  lines = lines + 1
  bytes = bytes + #line + 1
  for i = 1, #line, 7 do hash = (hash * 31 + line:byte(i)) % 1000000007 end
end
local function repeat_fasta(src, n)
  local len, pos = #src, 1
  local s2 = src .. src
  while n > 0 do
    local w = n < WIDTH and n or WIDTH
    emit(s2:sub(pos, pos + w - 1))
    pos = pos + w
    if pos > len then pos = pos - len end
    n = n - w
  end
end
local function random_fasta(tbl, n)
  local chars, probs, acc = {}, {}, 0
  for i, e in ipairs(tbl) do acc = acc + e[2]; chars[i] = e[1]; probs[i] = acc end
  local buf, count = {}, #tbl
  while n > 0 do
    local w = n < WIDTH and n or WIDTH
    for i = 1, w do
      local r = random(1.0)
      local k = 1
      while k < count and probs[k] < r do k = k + 1 end
      buf[i] = chars[k]
    end
    for i = w + 1, #buf do buf[i] = nil end
    emit(table.concat(buf))
    n = n - w
  end
end
repeat_fasta(ALU, N * 2)
random_fasta(IUB, N * 3)
random_fasta(HOMO, N * 5)
print(string.format("fasta %d: %d lines, %d bytes, hash %d", N, lines, bytes, hash))
