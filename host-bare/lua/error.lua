-- Fails on purpose: the firmware must print the message and exit non-zero.
print("before the error")
local t = nil
print(t.missing)
print("not reached")
