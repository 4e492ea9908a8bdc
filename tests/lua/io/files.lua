-- io.open and file methods, io.lines, io.read formats, seek; os.tmpname/remove/rename.
local name = os.tmpname()
local f = assert(io.open(name, "w"))
print(io.type(f))
f:write("first line\n", 42, " ", 3.5, "\n", "third\n", "no newline at end")
f:close()
print(io.type(f))
print(pcall(f.write, f, "x"))
f = assert(io.open(name, "r"))
print(f:read("*l"))
print(f:read("*n"), f:read("*n"))
print(f:read("*l"))            -- rest of the second line (empty)
print(f:read("*l"))
print(f:read(3), f:read(0))
print(f:read("*a"))
print(f:read("*a") == "", f:read("*l"), f:read(1), f:read(0))
print(f:seek("set", 6), f:read(4))
print(f:seek("cur"), f:seek("end"))
f:close()
local lines = {}
for l in io.lines(name) do lines[#lines + 1] = l end
print(#lines, lines[1], lines[4])
f = assert(io.open(name))
local n = 0
for l in f:lines() do n = n + #l end
f:close()
print(n)
-- append mode
f = assert(io.open(name, "a"))
f:write("\nappended")
f:close()
f = assert(io.open(name, "rb"))
local all = f:read("*a")
f:close()
print(#all, all:sub(-8))
-- rename and remove
local other = name .. ".renamed"
print(os.rename(name, other))
print(io.open(name) == nil, select("#", io.open(name)))
print(os.remove(other))
local ok, msg = os.remove(other)
print(ok, type(msg))
print(io.open("/nonexistent/dir/file", "w") == nil)
