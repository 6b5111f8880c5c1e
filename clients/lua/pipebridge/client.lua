-- The JSON-RPC client: one TCP connection to the bridge, driven by poll().
--
-- Threading: Lua has one thread; every callback runs inside poll() (or inside call_sync,
-- which polls), never from anywhere else. Nothing in this file blocks: call poll() once per
-- frame. The waiting conveniences for tools (call_sync, wait_ready) are pipebridge/blocking.lua.
--
-- Life cycle: connect -> $/initialize -> ready. Calls made before ready wait in a queue (their
-- deadlines still run). When the connection drops, calls already sent fail with UNAVAILABLE
-- (they may or may not have run; only the caller can tell whether a retry is safe),
-- subscriptions and the attached host are restored after the reconnect, which is retried
-- with exponential backoff and re-reads the discovery file (a restarted bridge has a new
-- token and maybe new ports).
local socket = require("socket")
local json = require("pipebridge.json")
local errors = require("pipebridge.errors")
local discovery = require("pipebridge.discovery")
local Transport = require("pipebridge.transport")

local Client = {}
Client.__index = Client

Client.PROTOCOL_VERSION = 1
Client.VERSION = "0.1.0"

local DEFAULTS = {
  name = "pipebridge-lua",
  version = Client.VERSION,
  timeout = 30,            -- seconds, unary calls without their own
  reconnect = true,
  backoff_initial = 0.1,   -- seconds before the first reconnect attempt
  backoff_max = 5,
  max_message_bytes = 16 * 1024 * 1024,
  max_queued_bytes = 16 * 1024 * 1024,
}

-- Options: see README.md ("Connecting"). Returns the client, or nil, err for bad options.
function Client.new(opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    return nil, errors.new("INVALID_ARGUMENT", "options must be a table, got a " .. type(opts))
  end
  for _, key in ipairs({"timeout", "backoff_initial", "backoff_max"}) do
    local v = opts[key]
    if v ~= nil and (type(v) ~= "number" or v <= 0) then
      return nil, errors.new("INVALID_ARGUMENT", "option " .. key .. " must be a positive number of seconds, got " .. tostring(v))
    end
  end
  if opts.address ~= nil and not discovery.split_address(opts.address) then
    return nil, errors.new("INVALID_ARGUMENT", "option address must be \"host:port\", got " .. tostring(opts.address))
  end
  local self = setmetatable({}, Client)
  for k, v in pairs(DEFAULTS) do self[k] = v end
  for _, k in ipairs({"name", "version", "timeout", "reconnect", "backoff_initial", "backoff_max",
                      "max_message_bytes", "max_queued_bytes", "token", "address", "discovery_dir",
                      "on_state", "on_error"}) do
    if opts[k] ~= nil then self[k] = opts[k] end
  end
  self.clock = opts.clock or socket.gettime
  self.state = "idle"
  self.next_id = 0
  self.pending = {}      -- id -> call record (sent or queued)
  self.queue = {}        -- ids of calls waiting for the connection, in order
  self.subscriptions = {}
  self.backoff = self.backoff_initial
  return self
end

-- State changes reach on_state(state, err): "connecting", "ready", "waiting" (to reconnect),
-- "closed".
function Client:set_state(state, err)
  self.state = state
  if err then self.last_error = err end
  if self.on_state then self.on_state(state, err) end
end

function Client:report(err)
  self.last_error = err
  if self.on_error then self.on_error(err) end
end

-- Connecting ---------------------------------------------------------------------------------

function Client:endpoint()
  if self.address and self.token then return self.address, self.token end
  -- An explicit discovery_dir names the file to use; else PIPEBRIDGE_URL, else the file.
  local found, err
  if self.discovery_dir then found, err = discovery.read(self.discovery_dir) else found, err = discovery.locate() end
  if not found then return nil, err end
  return self.address or found.address, self.token or found.token
end

-- Starts connecting (non-blocking). Also what the reconnect timer calls.
function Client:connect()
  if self.state == "closed" then return nil, self.last_error end
  local address, token_or_err = self:endpoint()
  if not address then return self:lost(token_or_err) end
  local host, port = discovery.split_address(address)
  self.transport = Transport.new{host = host, port = port, max_line_bytes = self.max_message_bytes,
                                 max_queued_bytes = self.max_queued_bytes}
  self:set_state("connecting")
  local ok, err = self.transport:start()
  if not ok then return self:lost(errors.new("UNAVAILABLE", err.message)) end
  self:send_initialize(token_or_err)
  return true
end

function Client:send_initialize(token)
  local id = self:new_id()
  self.pending[id] = {
    method = "$/initialize", deadline = self.clock() + self.timeout, timeout = self.timeout,
    callback = function(result, err) self:initialized(result, err) end,
    on_lost = function() end, -- the reconnect sends a new one
  }
  local params = {token = token, protocolVersion = Client.PROTOCOL_VERSION,
                  client = {name = self.name, version = self.version}}
  -- $/initialize takes no $meta; the local timer alone bounds it.
  if self:send_now(id, "$/initialize", json.encode(params), nil) then
    self.pending[id].sent = true
  end
end

function Client:initialized(result, err)
  if err then
    if err.code == errors.codes.UNAVAILABLE or err.code == errors.codes.DEADLINE_EXCEEDED then
      return self:lost(err)
    end
    -- A wrong token or protocol version: retrying cannot help.
    return self:close(errors.new(err.code, "the bridge refused the handshake: " .. err.message, err.data))
  end
  self.server = result
  if type(result) == "table" and result.protocolVersion ~= Client.PROTOCOL_VERSION then
    return self:close(errors.new("FAILED_PRECONDITION", "the bridge speaks protocol "
      .. tostring(result.protocolVersion) .. ", this client " .. Client.PROTOCOL_VERSION))
  end
  self.backoff = self.backoff_initial
  self:set_state("ready")
  local queue = self.queue
  self.queue = {}
  for _, id in ipairs(queue) do
    local call = self.pending[id]
    if call and not call.sent then self:send_call(id, call) end
  end
  if self.host then self.host:reattach() end
  for _, sub in ipairs(self.subscriptions) do sub:resume() end
end

-- The connection is gone: fail what was sent, keep what was queued, schedule a reconnect.
function Client:lost(err)
  if self.transport then self.transport:close() end
  self.transport = nil
  if self.state == "closed" then return nil, err end
  if not self.reconnect then return self:close(err) end
  -- The state changes first: callbacks below may make new calls, which must queue.
  self.retry_at = self.clock() + self.backoff
  self.backoff = math.min(self.backoff * 2, self.backoff_max)
  self.state, self.last_error = "waiting", err
  local failed = {}
  for id, call in pairs(self.pending) do
    if call.sent then failed[#failed + 1] = id end
  end
  table.sort(failed)
  for _, id in ipairs(failed) do
    local call = self.pending[id]
    self.pending[id] = nil
    call.sent = false
    if call.on_lost then
      call.on_lost(err) -- subscriptions and the handshake: resumed by the reconnect
    else
      call.callback(nil, errors.new("UNAVAILABLE", "connection to the bridge lost: " .. tostring(err.message)))
    end
  end
  if self.host then self.host:connection_lost() end
  self:set_state("waiting", err)
  return nil, err
end

-- Closes the connection for good; every call still waiting fails with err (or CANCELLED).
-- Returns true, or nil, err when closing because of err.
function Client:close(reason)
  if self.state == "closed" then
    if reason then return nil, reason end
    return true
  end
  local err = reason or errors.new("CANCELLED", "the client was closed")
  if self.host then self.host:connection_lost() end
  if self.transport then self.transport:close() end
  self.transport = nil
  self.state = "closed" -- before the callbacks: they must not queue new calls
  self.last_error = err
  local ids = {}
  for id in pairs(self.pending) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do
    local call = self.pending[id]
    self.pending[id] = nil
    call.callback(nil, err)
  end
  self.queue = {}
  self:set_state("closed", err)
  if reason then return nil, reason end
  return true
end

-- Sending ------------------------------------------------------------------------------------

function Client:new_id()
  self.next_id = self.next_id + 1
  return self.next_id
end

-- Writes one request whose params are already encoded; adds "$meta": {"timeoutMs": N} so the
-- bridge gives up at the same moment as our local timer.
function Client:send_now(id, method, params_json, timeout)
  if timeout then
    local meta = '"$meta":{"timeoutMs":' .. math.max(1, math.floor(timeout * 1000 + 0.5)) .. "}"
    params_json = params_json == "{}" and ("{" .. meta .. "}") or ("{" .. meta .. "," .. params_json:sub(2))
  end
  local line = '{"jsonrpc":"2.0","id":' .. id .. ',"method":' .. json.encode(method)
    .. ',"params":' .. params_json .. "}"
  local ok, err = self.transport:send_line(line)
  if not ok then
    if err.kind == "full" then return nil, errors.new("RESOURCE_EXHAUSTED", err.message) end
    return nil, errors.new("UNAVAILABLE", err.message)
  end
  return true
end

function Client:send_call(id, call)
  local timeout = call.deadline and math.max(0.001, call.deadline - self.clock()) or nil
  local ok, err = self:send_now(id, call.method, call.params_json, call.meta_timeout and timeout or nil)
  if ok then
    call.sent = true
  else
    self.pending[id] = nil
    call.callback(nil, err)
  end
end

local function encode_params(params)
  if params == nil then return "{}" end
  if type(params) ~= "table" or json.is_array(params) or (params[1] ~= nil) then
    return nil, errors.new("INVALID_ARGUMENT", "params must be a table of named fields, got "
      .. (type(params) == "table" and "a list" or ("a " .. type(params))))
  end
  local text, err = json.encode(params)
  if not text then return nil, errors.new("INVALID_ARGUMENT", err) end
  return text
end

-- Calls method; callback(result) on success, callback(nil, err) on failure, exactly once,
-- from poll(). Options:
--   timeout     seconds (unary default: the client's timeout; streams: none)
--   on_message  function(message): makes it a server-streaming call; each $/stream message
-- Returns the call id (for cancel), or nil, err when the call cannot be made at all (bad
-- arguments, the send queue full, the client closed); the callback then never runs.
function Client:call(method, params, callback, opts)
  opts = opts or {}
  if type(method) ~= "string" or method == "" then
    return nil, errors.new("INVALID_ARGUMENT", "method must be a name like \"pipebridge.v1.BridgeService/Ping\"")
  end
  if callback ~= nil and type(callback) ~= "function" then
    return nil, errors.new("INVALID_ARGUMENT", "callback must be a function, got a " .. type(callback))
  end
  if opts.timeout ~= nil and (type(opts.timeout) ~= "number" or opts.timeout <= 0) then
    return nil, errors.new("INVALID_ARGUMENT", "timeout must be a positive number of seconds, got " .. tostring(opts.timeout))
  end
  if self.state == "closed" then return nil, self.last_error end
  local params_json, err = encode_params(params)
  if not params_json then return nil, err end
  local timeout = opts.timeout
  if timeout == nil and not opts.on_message then timeout = self.timeout end
  local id = self:new_id()
  local call = {
    method = method, params_json = params_json, callback = callback or function() end,
    on_message = opts.on_message, on_lost = opts.on_lost,
    deadline = timeout and (self.clock() + timeout) or nil, timeout = timeout,
    -- $meta travels with the contract's methods ("pkg.Service/Method"); the bridge's own
    -- ($/initialize, rpc.discover, host.*) refuse it, so the local timer alone bounds them.
    meta_timeout = timeout ~= nil and method:find("^[%w_.]+/%w+$") ~= nil and (params == nil or params["$meta"] == nil),
  }
  if self.state == "ready" then
    -- A bridge that went away while we were idle has left an EOF unread: notice it now, so
    -- that this call waits for the reconnect instead of failing on a dead connection.
    local alive, terr = self.transport:pump()
    if not alive then self:lost(errors.new("UNAVAILABLE", terr.message)) end
  end
  self.pending[id] = call
  if self.state == "ready" then
    local sent, serr = self:send_now(id, method, params_json, call.meta_timeout and timeout or nil)
    if not sent then
      self.pending[id] = nil
      return nil, serr
    end
    call.sent = true
  elseif self.reconnect or self.state == "connecting" or self.state == "idle" then
    self.queue[#self.queue + 1] = id
    if self.state == "idle" then self:connect() end
  else
    self.pending[id] = nil
    return nil, self.last_error or errors.new("UNAVAILABLE", "not connected to the bridge")
  end
  return id
end

-- A notification: no answer, no deadline. Dropped (nil, err) when not connected.
function Client:notify(method, params)
  local params_json, err = encode_params(params)
  if not params_json then return nil, err end
  if self.state ~= "ready" then return nil, errors.new("UNAVAILABLE", "not connected to the bridge") end
  local line = '{"jsonrpc":"2.0","method":' .. json.encode(method) .. ',"params":' .. params_json .. "}"
  local ok, terr = self.transport:send_line(line)
  if not ok then return nil, errors.new(terr.kind == "full" and "RESOURCE_EXHAUSTED" or "UNAVAILABLE", terr.message) end
  return true
end

-- Answers a request the bridge sent us (host.invoke): result, or error {code=, message=, data=}.
function Client:respond(id, result, error_obj)
  if self.state ~= "ready" then return nil, errors.new("UNAVAILABLE", "not connected to the bridge") end
  local body
  if error_obj then
    body = '"error":' .. assert(json.encode(errors.to_jsonrpc(error_obj)))
  else
    local text, err = json.encode(result == nil and json.null or result)
    if not text then
      body = '"error":' .. json.encode({code = errors.codes.INTERNAL, message = "the host's result is not JSON: " .. err})
    else
      body = '"result":' .. text
    end
  end
  local ok, terr = self.transport:send_line('{"jsonrpc":"2.0","id":' .. json.encode(id) .. "," .. body .. "}")
  if not ok then return nil, errors.new("UNAVAILABLE", terr.message) end
  return true
end

-- Cancels a call or stream: its callback gets CANCELLED now, the bridge is told to stop.
function Client:cancel(id)
  local call = self.pending[id]
  if not call then return false end
  self.pending[id] = nil
  if call.sent and self.state == "ready" then self:notify("$/cancelRequest", {id = id}) end
  call.callback(nil, errors.new("CANCELLED", "cancelled by the client"))
  return true
end

-- Receiving ----------------------------------------------------------------------------------

function Client:handle_line(line)
  local msg, err = json.decode(line)
  if type(msg) ~= "table" then
    return self:report(errors.new("INTERNAL", "unreadable message from the bridge: " .. tostring(err)))
  end
  if msg.method ~= nil then return self:handle_server_message(msg) end
  local call = self.pending[msg.id]
  if not call then return end -- cancelled or timed out here already: a late answer is dropped
  self.pending[msg.id] = nil
  if msg.error ~= nil then
    call.callback(nil, errors.from_jsonrpc(msg.error))
  else
    call.callback(msg.result)
  end
end

function Client:handle_server_message(msg)
  local params = type(msg.params) == "table" and msg.params or {}
  if msg.method == "$/stream" then
    local call = self.pending[params.id]
    if call and call.on_message then call.on_message(params.message) end
    return
  end
  if self.host and self.host:handles(msg.method) then
    return self.host:handle(msg.method, msg.id, params)
  end
  if msg.id ~= nil then
    self:respond(msg.id, nil, {code = -32601, message = "this client has no method " .. tostring(msg.method)})
  end
end

-- Fails calls whose deadline passed (DEADLINE_EXCEEDED) and tells the bridge to stop them.
function Client:expire(now)
  local expired
  for id, call in pairs(self.pending) do
    if call.deadline and now >= call.deadline then
      expired = expired or {}
      expired[#expired + 1] = id
    end
  end
  if not expired then return end
  table.sort(expired)
  for _, id in ipairs(expired) do
    local call = self.pending[id]
    if call then
      self.pending[id] = nil
      if call.sent and self.state == "ready" then self:notify("$/cancelRequest", {id = id}) end
      if not call.sent and self.state ~= "ready" and self.last_error then
        -- Never sent: the bridge was unreachable the whole time; say why.
        call.callback(nil, errors.new("UNAVAILABLE", string.format("%s: no connection to the bridge within %.3g s: %s",
          call.method, call.timeout or 0, tostring(self.last_error.message))))
      else
        call.callback(nil, errors.new("DEADLINE_EXCEEDED", string.format(
          "%s: no answer within %.3g s", call.method, call.timeout or 0)))
      end
    end
  end
end

-- One step of the client; never blocks. Delivers responses, stream messages and host
-- invocations through their callbacks; runs deadlines, heartbeats and reconnects.
function Client:poll()
  local now = self.clock()
  if self.state == "idle" then
    self:connect()
  elseif self.state == "waiting" and now >= self.retry_at then
    self:connect()
  end
  local transport = self.transport
  if transport then
    local ok, err = transport:pump()
    while true do
      local line = transport:next_line()
      if not line then break end
      self:handle_line(line)
      if self.transport ~= transport then break end -- a callback closed or lost it
    end
    if not ok and self.transport == transport then
      self:lost(errors.new("UNAVAILABLE", err.message))
    end
  end
  now = self.clock()
  self:expire(now)
  if self.host then self.host:tick(now) end
  return self.state
end

return Client
