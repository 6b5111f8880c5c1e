-- Finds the running bridge the way every pipebridge client does (docs/protocol.md):
-- bridge.json in $PIPEBRIDGE_DISCOVERY_DIR, else $XDG_RUNTIME_DIR/pipebridge, else
-- ~/.pipebridge. A file naming a process that is gone is stale (checked through /proc where
-- there is one; elsewhere a stale file shows up as a refused connection).
local json = require("pipebridge.json")
local errors = require("pipebridge.errors")

local M = {}

-- The folder to look in; getenv is injectable for tests.
function M.directory(getenv)
  getenv = getenv or os.getenv
  local dir = getenv("PIPEBRIDGE_DISCOVERY_DIR")
  if dir and dir ~= "" then return dir end
  local runtime = getenv("XDG_RUNTIME_DIR")
  if runtime and runtime ~= "" then return runtime .. "/pipebridge" end
  local home = getenv("HOME")
  if home and home ~= "" then return home .. "/.pipebridge" end
  return nil
end

local function exists(path)
  local f = io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end

-- True when the OS says pid does not exist (Linux /proc); false when alive or unknowable.
function M.process_gone(pid)
  if not exists("/proc/self/stat") then return false end
  return not exists("/proc/" .. string.format("%d", pid) .. "/stat")
end

-- Reads <dir>/bridge.json: {token=, address=<jsonrpc-tcp host:port>, pid=, version=, raw=}
-- or nil, err (UNAVAILABLE: the bridge is not running or not reachable over TCP).
function M.read(dir)
  dir = dir or M.directory()
  if not dir then
    return nil, errors.new("UNAVAILABLE", "cannot find the bridge: no PIPEBRIDGE_DISCOVERY_DIR, XDG_RUNTIME_DIR or HOME")
  end
  local path = dir .. "/bridge.json"
  local file = io.open(path, "rb")
  if not file then
    return nil, errors.new("UNAVAILABLE", "the bridge is not running: no discovery file " .. path)
  end
  local text = file:read("*a")
  file:close()
  local doc, err = json.decode(text)
  if type(doc) ~= "table" then
    return nil, errors.new("UNAVAILABLE", "unreadable discovery file " .. path .. ": " .. tostring(err or "not an object"))
  end
  local endpoints = type(doc.endpoints) == "table" and doc.endpoints or {}
  local address = endpoints["jsonrpc-tcp"]
  if type(address) ~= "string" then
    return nil, errors.new("UNAVAILABLE", "the bridge in " .. path .. " serves no JSON-RPC over TCP (start it with --tcp-port)")
  end
  -- A file whose process is gone is stale (the bridge crashed).
  if type(doc.pid) == "number" and M.process_gone(doc.pid) then
    return nil, errors.new("UNAVAILABLE", "the bridge is not running: " .. path .. " is stale (process "
      .. string.format("%d", doc.pid) .. " is gone)")
  end
  if type(doc.token) ~= "string" then
    return nil, errors.new("UNAVAILABLE", "discovery file " .. path .. " has no token")
  end
  return {token = doc.token, address = address, pid = doc.pid, version = doc.version, raw = doc}
end

-- "127.0.0.1:47733" -> "127.0.0.1", 47733; "[::1]:47733" -> "::1", 47733.
function M.split_address(address)
  if type(address) ~= "string" then return nil, nil end
  local host, port = address:match("^%[(.+)%]:(%d+)$")
  if not host then host, port = address:match("^([^:]+):(%d+)$") end
  return host, tonumber(port)
end

return M
