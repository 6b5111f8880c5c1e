-- The blocking conveniences for tools, on top of the never-blocking client: the only place
-- that waits. Every wait is bounded (a timeout, or the call's own deadline), and while it
-- waits the client keeps running callbacks, events and host invocations as poll() does.
local socket = require("socket")
local errors = require("pipebridge.errors")
local Client = require("pipebridge.client")

-- Seconds until the next timer (deadline, reconnect, heartbeat), at most limit.
function Client:next_timer(limit)
  local now, soonest = self.clock(), limit
  for _, call in pairs(self.pending) do
    if call.deadline and call.deadline - now < soonest then soonest = call.deadline - now end
  end
  if self.state == "waiting" and self.retry_at - now < soonest then soonest = self.retry_at - now end
  if self.host and self.host.next_heartbeat and self.host.next_heartbeat - now < soonest then
    soonest = self.host.next_heartbeat - now
  end
  return math.max(0, soonest)
end

-- Blocks up to `seconds` for socket activity or the next timer; then poll() has work.
function Client:wait(seconds)
  local span = self:next_timer(seconds)
  if self.transport then self.transport:wait(span) elseif span > 0 then socket.sleep(span) end
end

-- Polls until done() is true or `seconds` pass; true when done() became true.
function Client:run_until(done, seconds)
  local deadline = self.clock() + seconds
  while true do
    self:poll()
    if done() then return true end
    local left = deadline - self.clock()
    if left <= 0 then return false end
    self:wait(math.min(left, 0.05))
  end
end

-- The blocking convenience for tools: result, or nil, err. Always bounded by the timeout
-- (opts.timeout or the client's). Other callbacks keep running while it waits.
function Client:call_sync(method, params, opts)
  opts = opts or {}
  local timeout = opts.timeout or self.timeout
  local done, result, failure = false, nil, nil
  local id, err = self:call(method, params, function(r, e) done, result, failure = true, r, e end,
                            {timeout = timeout, on_message = opts.on_message})
  if not id then return nil, err end
  -- The local timer fails the call at its deadline; the margin only guards against a bug.
  if not self:run_until(function() return done end, timeout + 1) then
    self:cancel(id)
  end
  if failure then return nil, failure end
  return result
end

-- Blocks until the handshake is done (true) or fails / times out (nil, err).
function Client:wait_ready(seconds)
  seconds = seconds or self.timeout
  local ok = self:run_until(function() return self.state == "ready" or self.state == "closed" end, seconds)
  if self.state == "ready" then return true end
  if not ok then
    return nil, errors.new("UNAVAILABLE", string.format("no connection to the bridge within %.3g s%s", seconds,
      self.last_error and (": " .. self.last_error.message) or ""))
  end
  return nil, self.last_error
end

return Client
