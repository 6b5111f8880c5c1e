-- This application as a host: it offers commands that any other client invokes through the
-- bridge (JSON-RPC host.attach, docs/protocol.md "Hosts over JSON-RPC").
--
--   local host = client:attach_host{
--     application = "lua-engine", display_name = "Level editor",
--     commands = {
--       {name = "engine.loadAsset", title = "Load asset", args_schema = {...},
--        handler = function(args, invocation) return {loaded = true} end},
--     },
--     on_attached = function(host_record) end, on_error = function(err) end,
--     on_detached = function(info) end,   -- the bridge ended the session; we attach again
--   }
--
-- A handler runs inside poll() and answers by returning:
--   value          the command's result (any JSON value; nil is null)
--   nil, err       a failure; err is a string or {code = <gRPC code or name>, message =}
--   invocation:defer()   to answer later with invocation:resolve(value) or :reject(err)
-- A handler that raises an error answers INTERNAL with the error's message.
-- invocation.cancelled turns true (and invocation.on_cancel(reason) runs) when the caller
-- gives up; an answer after that is not sent. invocation:progress(fraction, message, data)
-- reaches InvokeStream callers.
-- Heartbeats go out from poll() every few seconds; after a reconnect the host attaches again
-- (the bridge gives it a new id).
local errors = require("pipebridge.errors")

local Host = {}
Host.__index = Host

local Invocation = {}
Invocation.__index = Invocation

local DEFERRED = setmetatable({}, {__tostring = function() return "pipebridge.DEFERRED" end})
Host.DEFERRED = DEFERRED

local HEARTBEAT_SECONDS = 5

-- The process id of this Lua process where the OS tells it (Linux /proc), else 0.
local function own_pid()
  local f = io.open("/proc/self/stat", "r")
  if not f then return 0 end
  local pid = tonumber((f:read("*l") or ""):match("^(%d+)"))
  f:close()
  return pid or 0
end

local function wire_command(c, index)
  if type(c) ~= "table" or type(c.name) ~= "string" or c.name == "" then
    return nil, "commands[" .. index .. "]: needs a name"
  end
  if c.handler ~= nil and type(c.handler) ~= "function" then
    return nil, "commands[" .. index .. "] (" .. c.name .. "): handler must be a function"
  end
  return {name = c.name, title = c.title, description = c.description,
          argsSchema = c.args_schema or c.argsSchema, resultSchema = c.result_schema or c.resultSchema}
end

function Host.new(client, opts)
  if type(opts) ~= "table" or type(opts.application) ~= "string" or opts.application == "" then
    return nil, errors.new("INVALID_ARGUMENT", "attach_host needs {application = \"...\", commands = {...}}")
  end
  if client.host then
    return nil, errors.new("FAILED_PRECONDITION", "this client is already attached as a host (one host per connection)")
  end
  local self = setmetatable({client = client, opts = opts, handlers = {}, invocations = {},
                             attached = false, active = true, heartbeats_acked = 0}, Host)
  local ok, err = self:set_commands(opts.commands or {})
  if not ok then return nil, err end
  self.hello = {
    application = opts.application, applicationVersion = opts.application_version,
    pid = opts.pid or own_pid(), sessionId = opts.session_id, user = opts.user,
    displayName = opts.display_name, commands = self.wire_commands,
  }
  self.heartbeat_interval = opts.heartbeat_interval or HEARTBEAT_SECONDS
  client.host = self
  self:attach()
  return self
end

function Host:set_commands(commands)
  local wire, handlers = {}, {}
  for i, c in ipairs(commands) do
    local w, err = wire_command(c, i)
    if not w then return nil, errors.new("INVALID_ARGUMENT", err) end
    wire[i], handlers[c.name] = w, c.handler
  end
  self.wire_commands, self.handlers = wire, handlers
  if self.hello then self.hello.commands = wire end
  return true
end

function Host:attach()
  self.attaching = true
  self.client:call("host.attach", self.hello, function(result, err)
    self.attaching = false
    if err then
      if err.code == errors.codes.UNAVAILABLE then return end -- reattached after the reconnect
      self.active = false
      if self.client.host == self then self.client.host = nil end
      if self.opts.on_error then self.opts.on_error(err) end
      return
    end
    self.record = type(result) == "table" and result.host or nil
    self.id = self.record and self.record.id
    self.lease = tonumber(result and result.leaseMs) or 600000
    self.attached = true
    -- Well inside the lease, and "every few seconds" so the bridge sees a live host.
    self.interval = math.min(self.heartbeat_interval, self.lease / 3000)
    self.next_heartbeat = self.client.clock() + self.interval
    if self.opts.on_attached then self.opts.on_attached(self.record) end
  end, {on_lost = function() self.attaching = false end})
end

-- Replaces the offered commands (host.updateCommands).
function Host:update_commands(commands, callback)
  local ok, err = self:set_commands(commands)
  if not ok then return nil, err end
  if not self.attached then return true end -- the next attach sends them
  return self.client:call("host.updateCommands", {commands = self.wire_commands}, callback)
end

function Host:detach(callback)
  self.active, self.attached = false, false
  if self.client.host == self then self.client.host = nil end
  self:abandon("detached")
  if self.client.state == "ready" then
    return self.client:call("host.detach", {}, callback)
  end
  return true
end

-- After a reconnect. Not when the first attach is still queued (it is sent with the queue).
function Host:reattach()
  if self.active and not self.attached and not self.attaching then self:attach() end
end

function Host:abandon(reason)
  for _, inv in pairs(self.invocations) do inv:mark_cancelled(reason) end
  self.invocations = {}
end

-- The bridge already failed our in-flight invocations with UNAVAILABLE when we vanished.
function Host:connection_lost()
  self.attached = false
  self.next_heartbeat = nil
  self:abandon("connection to the bridge lost")
end

function Host:tick(now)
  if self.attached and self.next_heartbeat and now >= self.next_heartbeat then
    self.next_heartbeat = now + self.interval
    self.client:call("host.heartbeat", {}, function(_, err)
      if not err then self.heartbeats_acked = self.heartbeats_acked + 1 end
      if err and err.code ~= errors.codes.UNAVAILABLE and self.opts.on_error then self.opts.on_error(err) end
    end, {timeout = math.max(self.interval, 1)})
  end
end

function Host:handles(method)
  return method == "host.invoke" or method == "host.cancel" or method == "host.detached"
end

-- The bridge ended the session (lease expired, shutdown): attach again at once. If the
-- connection is going away too, that attach fails UNAVAILABLE and the reconnect re-attaches.
function Host:detached_by_bridge(params)
  self.attached = false
  self.next_heartbeat = nil
  self:abandon("detached by the bridge: " .. tostring(params.message))
  if self.opts.on_detached then self.opts.on_detached(params) end
  if self.active and not self.attaching then self:attach() end
end

function Host:handle(method, request_id, params)
  if method == "host.detached" then return self:detached_by_bridge(params) end
  if method == "host.cancel" then
    local inv = self.invocations[params.invocationId]
    if inv then
      self.invocations[params.invocationId] = nil
      inv:mark_cancelled(params.reason or "cancelled")
    end
    return
  end
  if request_id == nil then return end -- host.invoke must be a request
  if type(params.invocationId) ~= "string" or type(params.command) ~= "string" then
    return self.client:respond(request_id, nil, {code = -32602, message = "host.invoke needs invocationId and command"})
  end
  local inv = setmetatable({
    host = self, request_id = request_id, id = params.invocationId, command = params.command,
    args = type(params.args) == "table" and params.args or {}, deadline = params.deadline,
    caller_host = params.callerHost,
    cancelled = false, answered = false,
  }, Invocation)
  local handler = self.handlers[inv.command]
  if not handler then
    return inv:reject({code = errors.codes.UNIMPLEMENTED, message = "this host offers no command " .. tostring(inv.command)})
  end
  self.invocations[inv.id] = inv
  local ok, result, err = pcall(handler, inv.args, inv)
  if not ok then
    return inv:reject({code = errors.codes.INTERNAL, message = inv.command .. " failed: " .. tostring(result)})
  end
  if result == DEFERRED then return end
  if result == nil and err ~= nil then return inv:reject(err) end
  inv:resolve(result)
end

-- Invocation -------------------------------------------------------------------------------

function Invocation:defer()
  return DEFERRED
end

function Invocation:finish(result, err)
  if self.answered then return false end
  self.answered = true
  self.host.invocations[self.id] = nil
  if self.cancelled then return false end -- the caller is gone; a late answer is ignored
  return self.host.client:respond(self.request_id, result, err)
end

function Invocation:resolve(result) return self:finish(result, nil) end

function Invocation:reject(err)
  if type(err) == "string" then err = {code = errors.codes.UNKNOWN, message = err} end
  return self:finish(nil, err)
end

function Invocation:progress(fraction, message, data)
  if self.answered or self.cancelled then return false end
  return self.host.client:notify("host.progress", {invocationId = self.id, fraction = fraction or -1,
                                                   message = message, data = data})
end

function Invocation:mark_cancelled(reason)
  if self.cancelled or self.answered then return end
  self.cancelled, self.cancel_reason = true, reason
  if self.on_cancel then self.on_cancel(reason) end
end

return Host
