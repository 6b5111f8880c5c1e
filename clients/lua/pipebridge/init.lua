-- pipebridge for Lua (5.1, LuaJIT, 5.4): join the studio pipeline from a game engine or tool.
--
--   local pipebridge = require("pipebridge")
--   local client = pipebridge.connect{name = "my-editor"}      -- non-blocking; poll() per frame
--   client.entities:find({entityType = "Shot"}, function(result, err) ... end)
--   function love.update() client:poll() end
--
--   local client, err = pipebridge.connect_sync{timeout = 5}   -- tools: wait for the handshake
--   local shots, err = client.entities:find{entityType = "Shot", fields = {"code"}}
--
-- Needs LuaSocket; uses lua-cjson when installed, else the bundled pure-Lua JSON codec.
-- Every failure is `nil, err` with err.code (gRPC code), err.status (its name), err.message.
local Client = require("pipebridge.client")
require("pipebridge.blocking") -- call_sync, wait_ready, run_until on Client
local Subscription = require("pipebridge.subscription")
local Host = require("pipebridge.host")
local services = require("pipebridge.services")
local errors = require("pipebridge.errors")
local json = require("pipebridge.json")

local pipebridge = {
  VERSION = Client.VERSION,
  PROTOCOL_VERSION = Client.PROTOCOL_VERSION,
  Client = Client,
  json = json,
  errors = errors,
  codes = errors.codes,
  DEFERRED = Host.DEFERRED,
}

-- client.entities, client.templates, ... are service helpers (pipebridge.services).
Client.__index = function(self, key)
  local value = Client[key]
  if value ~= nil or type(key) ~= "string" then return value end
  local service = services.lookup(self, key)
  if service then rawset(self, key, service) end
  return service
end

-- A resumable subscription to events (pipebridge.subscription).
function Client:subscribe(params, on_event, opts)
  return Subscription.new(self, params, on_event, opts)
end

-- Attaches this client as a host offering commands (pipebridge.host).
function Client:attach_host(opts)
  return Host.new(self, opts)
end

-- Uses a method table: an rpc.discover document or the table generated from it.
function Client:use_methods(doc)
  self.method_index = doc and services.index(doc) or nil
  self.contract = doc
end

-- Asks the bridge for its contract (rpc.discover) and uses it for the service helpers.
-- Blocking (bounded by opts.timeout); returns the document or nil, err.
function Client:discover(opts)
  local doc, err = self:call_sync("rpc.discover", {}, opts)
  if not doc then return nil, err end
  self:use_methods(doc)
  return doc
end

-- The method table generated at build time from `pipebridge discover`, when present.
local function generated_methods()
  local ok, doc = pcall(require, "pipebridge.methods_generated")
  if ok and type(doc) == "table" then return doc end
  return nil
end

-- A client that starts connecting at once and works through poll(). See README.md for the
-- options (token, address, discovery_dir, name, version, timeout, reconnect, ...).
function pipebridge.connect(opts)
  local client, err = Client.new(opts)
  if not client then return nil, err end
  client:use_methods((opts and opts.methods) or generated_methods())
  client:connect()
  return client
end

-- As connect, then waits (at most opts.connect_timeout or opts.timeout seconds) for the
-- handshake: the client, or nil, err (e.g. UNAVAILABLE "the bridge is not running: ...").
function pipebridge.connect_sync(opts)
  local client, err = pipebridge.connect(opts)
  if not client then return nil, err end
  local ok, werr = client:wait_ready((opts and (opts.connect_timeout or opts.timeout)) or 10)
  if not ok then
    client:close(werr)
    return nil, werr
  end
  return client
end

return pipebridge
