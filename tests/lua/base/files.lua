-- dofile and loadfile (they reach the file system through the host).
print(select("#", loadfile("/nonexistent/file.lua")), (loadfile("/nonexistent/file.lua")))
local ok, err = pcall(dofile, "/nonexistent/file.lua")
print(ok, err:match("^cannot open /nonexistent/file.lua") ~= nil)
