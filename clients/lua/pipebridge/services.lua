-- Service helpers: client.entities:find{...} calls pipebridge.v1.EntityService/Find.
--
--   client.entities:find(params)                 blocking: result or nil, err (call_sync)
--   client.entities:find(params, {timeout = 2})  blocking with options
--   client.entities:find(params, callback[, opts])  non-blocking: returns the call id
--   client.events:subscribe(params, on_event[, opts])  a resumable Subscription
--   client.hosts:invoke_stream(params, on_message, {on_done = fn}) a server stream
--
-- Method names are matched ignoring case and underscores (find_latest, findLatest, FindLatest).
-- With a method table (rpc.discover, or the one generated from `pipebridge discover` at
-- build time) an unknown method is a precise local error naming the methods that exist, and
-- streaming methods are known by their kind. Without one, the name is converted mechanically
-- and the bridge answers -32601 for a method it does not serve.
local errors = require("pipebridge.errors")

local M = {}

M.PACKAGE = "pipebridge.v1"

-- Accessor names of the contract's services (plural where the service holds many things).
M.accessors = {
  bridge = "BridgeService", entities = "EntityService", templates = "TemplateService",
  context = "ContextService", publishes = "PublishService", events = "EventService",
  hosts = "HostService",
}

local function normalize(name)
  return (name:gsub("_", ""):lower())
end

local function pascal(name)
  return (name:gsub("^%l", string.upper):gsub("_(%w)", string.upper))
end

-- The accessor of a service not in M.accessors: "pipebridge.v1.AssetBrowserService" -> "asset_browser".
function M.accessor_of(full_service)
  local short = full_service:match("([%w_]+)$"):gsub("Service$", "")
  return (short:gsub("(%l)(%u)", "%1_%2"):lower())
end

-- Builds {service full name -> {normalized method -> {method=, kind=}}} from an rpc.discover
-- document (or the generated table, which has the same shape).
function M.index(discover_doc)
  local index = {}
  for _, service in ipairs(discover_doc.services or {}) do
    local methods = {}
    for _, m in ipairs(service.methods or {}) do
      methods[normalize(m.name)] = {method = m.method, kind = m.kind, name = m.name}
    end
    index[service.name] = methods
  end
  return index
end

local Service = {}

local function method_list(methods)
  local names = {}
  for _, m in pairs(methods) do names[#names + 1] = m.name end
  table.sort(names)
  return table.concat(names, ", ")
end

-- Resolves service.method to {method=, kind=} or nil, err.
local function resolve(service, name)
  local index = rawget(service.client, "method_index")
  local methods = index and index[service.full]
  if methods then
    local m = methods[normalize(name)]
    if m then return m end
    return nil, errors.new("UNIMPLEMENTED", service.full .. " has no method " .. name .. " (it has: " .. method_list(methods) .. ")")
  end
  return {method = service.full .. "/" .. pascal(name), kind = nil}
end

function Service.__index(service, name)
  if type(name) ~= "string" then return nil end
  -- As with Client:call, a call that cannot be made is nil, err now; its callback never runs.
  local fn = function(self, params, second, third)
    local m, err = resolve(self, name)
    if not m then return nil, err end
    local client = self.client
    if m.kind == "bidi_streaming" then
      return nil, errors.new("UNIMPLEMENTED", m.method .. " is bidirectional, which JSON-RPC does not carry"
        .. (m.method == "pipebridge.v1.HostService/Attach" and ": use client:attach_host{...}" or ""))
    end
    if m.method == "pipebridge.v1.EventService/Subscribe" then
      return client:subscribe(params, second, third)
    end
    if m.kind == "server_streaming" or (type(second) == "function" and type(third) == "table" and third.on_done) then
      if type(second) ~= "function" then
        return nil, errors.new("INVALID_ARGUMENT", m.method .. " streams: pass function(message) as the second argument")
      end
      local opts = third or {}
      return client:call(m.method, params, opts.on_done, {timeout = opts.timeout, on_message = second})
    end
    if type(second) == "function" then
      return client:call(m.method, params, second, third)
    end
    return client:call_sync(m.method, params, second)
  end
  rawset(service, name, fn)
  return fn
end

function M.service(client, full)
  return setmetatable({client = client, full = full}, Service)
end

-- The helper for an accessor name, or nil when the name is no service.
function M.lookup(client, key)
  local short = M.accessors[key]
  if short then return M.service(client, M.PACKAGE .. "." .. short) end
  local index = rawget(client, "method_index")
  if index then
    local known = {}
    for _, name in pairs(M.accessors) do known[M.PACKAGE .. "." .. name] = true end
    for full in pairs(index) do
      if not known[full] and M.accessor_of(full) == key then return M.service(client, full) end
    end
  end
  return nil
end

return M
