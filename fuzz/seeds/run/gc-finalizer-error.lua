do
  local u = newproxy(true)
  getmetatable(u).__gc = function() error("x") end
end
collectgarbage()
print("ok")
