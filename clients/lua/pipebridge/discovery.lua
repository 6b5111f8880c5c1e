-- Finds the running bridge the way every pipebridge client does (docs/protocol.md):
-- PIPEBRIDGE_URL when set, else bridge.json in $PIPEBRIDGE_DISCOVERY_DIR, else
-- $XDG_RUNTIME_DIR/pipebridge, else ~/.pipebridge. A file naming a process that is gone is
-- stale (checked through /proc where there is one; elsewhere a stale file shows up as a
-- refused connection).
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

local function percent_decode(s)
  return (s:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

-- PIPEBRIDGE_URL, the alternative to the file: "tcp://127.0.0.1:47733?token=..." (this client
-- speaks tcp:// only), the token in the query or in PIPEBRIDGE_TOKEN.
function M.from_url(url, getenv)
  getenv = getenv or os.getenv
  local scheme, rest = url:match("^(%a[%w+.-]*)://(.*)$")
  if scheme ~= "tcp" then
    return nil, errors.new("INVALID_ARGUMENT", "PIPEBRIDGE_URL " .. (scheme and (scheme .. "://...") or ("\"" .. url .. "\""))
      .. ": the Lua client speaks JSON-RPC over TCP only, e.g. tcp://127.0.0.1:47733")
  end
  local address, query = rest:match("^([^/?]+)/?%??(.*)$")
  if not address or not M.split_address(address) then
    return nil, errors.new("INVALID_ARGUMENT", "PIPEBRIDGE_URL has no host:port after tcp://")
  end
  local token = query and query:match("^token=([^&]*)") or (query and query:match("&token=([^&]*)"))
  token = token and percent_decode(token) or getenv("PIPEBRIDGE_TOKEN")
  if not token or token == "" then
    return nil, errors.new("UNAUTHENTICATED", "PIPEBRIDGE_URL has no ?token= and PIPEBRIDGE_TOKEN is not set")
  end
  return {address = address, token = token}
end

-- Where to connect: PIPEBRIDGE_URL when set (instead of the file), else the discovery file.
function M.locate(dir, getenv)
  getenv = getenv or os.getenv
  local url = getenv("PIPEBRIDGE_URL")
  if url and url ~= "" then return M.from_url(url, getenv) end
  return M.read(dir or M.directory(getenv))
end

-- "127.0.0.1:47733" -> "127.0.0.1", 47733; "[::1]:47733" -> "::1", 47733.
function M.split_address(address)
  if type(address) ~= "string" then return nil, nil end
  local host, port = address:match("^%[(.+)%]:(%d+)$")
  if not host then host, port = address:match("^([^:]+):(%d+)$") end
  return host, tonumber(port)
end

return M
