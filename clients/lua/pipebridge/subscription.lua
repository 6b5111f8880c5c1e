-- A resumable event subscription (EventService/Subscribe over $/stream).
--
--   local sub = client:subscribe({topics = {"publish.created"}}, function(event) ... end,
--                                {on_error = function(err) end})
--   sub.last_id   id (string) of the last event delivered, nil before the first
--   sub:cancel()
--
-- No event is lost or repeated across a reconnect: the subscription starts again with
-- afterId = the last delivered id (the bridge replays from there, then goes live). The same
-- happens when the bridge ends a subscriber that fell behind (RESOURCE_EXHAUSTED). Any other
-- end of the stream is final and reaches on_error.
local errors = require("pipebridge.errors")

local Subscription = {}
Subscription.__index = Subscription

local METHOD = "pipebridge.v1.EventService/Subscribe"

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

function Subscription.new(client, params, on_event, opts)
  if params ~= nil and type(params) ~= "table" then
    return nil, errors.new("INVALID_ARGUMENT", "subscribe params must be a table like {topics = {...}}, got a " .. type(params))
  end
  if type(on_event) ~= "function" then
    return nil, errors.new("INVALID_ARGUMENT", "subscribe needs a function(event) callback")
  end
  opts = opts or {}
  local self = setmetatable({
    client = client, params = copy(params or {}), on_event = on_event,
    on_error = opts.on_error, active = true, delivered = 0,
  }, Subscription)
  local ok, err = self:start()
  if not ok then return nil, err end
  client.subscriptions[#client.subscriptions + 1] = self
  return self
end

function Subscription:request()
  local params = copy(self.params)
  if self.last_id then
    -- Resume right after the last event we delivered, whatever the original start point.
    params.afterId, params.after_id, params.fromBeginning, params.from_beginning = self.last_id, nil, nil, nil
  end
  return params
end

function Subscription:start()
  local id, err = self.client:call(METHOD, self:request(), function(_, e) self:ended(e) end, {
    on_message = function(message) self:deliver(message) end,
    on_lost = function() self.call_id = nil end, -- resumed when the client is ready again
  })
  if not id then return nil, err end
  self.call_id = id
  return true
end

function Subscription:deliver(message)
  local event = type(message) == "table" and message.event or nil
  if type(event) ~= "table" then return end
  self.last_id = event.id
  self.delivered = self.delivered + 1
  self.on_event(event)
end

function Subscription:ended(err)
  self.call_id = nil
  if not self.active then return end
  if err and err.code == errors.codes.RESOURCE_EXHAUSTED then
    return self:start() -- fell behind: pick up from the last delivered event
  end
  self.active = false
  self:remove()
  if self.on_error then
    self.on_error(err or errors.new("UNAVAILABLE", "the bridge ended the subscription"))
  end
end

-- Called by the client once it is ready after a reconnect.
function Subscription:resume()
  if self.active and not self.call_id then self:start() end
end

function Subscription:remove()
  local list = self.client.subscriptions
  for i = #list, 1, -1 do
    if list[i] == self then table.remove(list, i) end
  end
end

function Subscription:cancel()
  if not self.active then return end
  self.active = false
  self:remove()
  if self.call_id then self.client:cancel(self.call_id) end
  self.call_id = nil
end

return Subscription
