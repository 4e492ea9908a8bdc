-- N-queens: counts solutions for n = 1..8 and prints the first solution for 8.
local function solve(n)
  local cols, count, first = {}, 0, nil
  local function ok(row, col)
    for r = 1, row - 1 do
      local c = cols[r]
      if c == col or math.abs(c - col) == row - r then return false end
    end
    return true
  end
  local function place(row)
    if row > n then
      count = count + 1
      if not first then first = table.concat(cols, " ") end
      return
    end
    for col = 1, n do
      if ok(row, col) then cols[row] = col; place(row + 1); cols[row] = nil end
    end
  end
  place(1)
  return count, first
end
for n = 1, 8 do print(n, solve(n)) end
