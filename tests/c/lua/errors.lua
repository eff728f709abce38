-- require of a C module, and errors raised in it caught by pcall in the script.
local m = require "errmod"
print("twice", m.twice(21))
print("pcall fail", pcall(m.fail, "x"))
print("pcall call", pcall(m.call, function() error("from Lua through C", 0) end))
local status, e = m.protect(function() error({code = 7}) end)
print("protect", status, type(e), e.code)
print("protect ok", m.protect(function() end))
print("nested", pcall(m.protect, function() m.fail("inner") end))
print("through C twice", pcall(m.call, function() m.call(function() m.fail("deep") end) end))
local caught = 0
for i = 1, 1000 do
  if not pcall(m.fail, i) then caught = caught + 1 end
end
print("caught", caught)
print("bad argument", pcall(m.twice, "not a number"))
print("missing", pcall(require, "nosuchmod"))
