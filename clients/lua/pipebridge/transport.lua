-- Newline-delimited messages over one TCP connection, never blocking (LuaSocket, timeout 0).
--
--   local t = Transport.new{host=, port=, max_line_bytes=, max_queued_bytes=}
--   t:start()            begins a non-blocking connect; nil, err when it fails at once
--   t:pump()             one step: finishes the connect, writes what the socket takes, reads
--                        what has arrived (at most max_read_bytes); nil, err once the
--                        connection is gone (err.kind: "refused", "closed", "protocol")
--   t:next_line()        the next complete line, or nil
--   t:send_line(text)    queues text .. "\n"; nil, err when the queue would pass its bound
--   t:wait(seconds)      blocks in select() until the socket can make progress (for call_sync)
--   t:close()
-- Partial reads are buffered until their newline; partial writes keep their offset.
local socket = require("socket")

local Transport = {}
Transport.__index = Transport

local CHUNK = 65536

function Transport.new(opts)
  return setmetatable({
    host = opts.host,
    port = opts.port,
    max_line_bytes = opts.max_line_bytes or 16 * 1024 * 1024,
    max_queued_bytes = opts.max_queued_bytes or 16 * 1024 * 1024,
    max_read_bytes = opts.max_read_bytes or 4 * 1024 * 1024,
    state = "new",
    partial = {}, partial_bytes = 0, -- pieces of the line being received
    -- Queues with explicit head and tail: taken slots become nil, and # is undefined on a
    -- table with holes.
    lines = {}, lines_head = 1, lines_tail = 0,   -- complete lines not yet taken
    out = {}, out_head = 1, out_tail = 0, out_offset = 1, queued_bytes = 0,
  }, Transport)
end

local function failure(kind, message)
  return {kind = kind, message = message}
end

function Transport:fail(kind, message)
  if self.sock then self.sock:close() end
  self.sock = nil
  self.state = "closed"
  self.error = self.error or failure(kind, message)
  return nil, self.error
end

function Transport:start()
  local sock, err = socket.tcp()
  if not sock then return self:fail("refused", "cannot create a socket: " .. tostring(err)) end
  sock:settimeout(0)
  sock:setoption("tcp-nodelay", true) -- Nagle would hold small requests back by 40 ms
  self.sock = sock
  local ok, cerr = sock:connect(self.host, self.port)
  if ok then
    self.state = "open"
  elseif cerr == "timeout" or cerr == "Operation already in progress" then
    self.state = "connecting"
  else
    return self:fail("refused", "cannot connect to " .. self.host .. ":" .. self.port .. ": " .. tostring(cerr))
  end
  return true
end

function Transport:finish_connect()
  local _, writable = socket.select(nil, {self.sock}, 0)
  if not writable or #writable == 0 then return true end
  local ok, err = self.sock:connect(self.host, self.port)
  if ok or err == "already connected" then
    self.state = "open"
    return true
  end
  return self:fail("refused", "cannot connect to " .. self.host .. ":" .. self.port .. ": " .. tostring(err))
end

function Transport:send_line(text)
  if self.state == "closed" then return nil, self.error end
  local size = #text + 1
  if self.queued_bytes + size > self.max_queued_bytes then
    return nil, failure("full", "the send queue holds " .. self.queued_bytes .. " bytes; a message of "
      .. size .. " bytes would pass its bound of " .. self.max_queued_bytes)
  end
  self.out_tail = self.out_tail + 1
  self.out[self.out_tail] = text .. "\n"
  self.queued_bytes = self.queued_bytes + size
  if self.state == "open" then return self:flush() end
  return true
end

function Transport:flush()
  while self.out_head <= self.out_tail do
    local data = self.out[self.out_head]
    local last, err, partial_last = self.sock:send(data, self.out_offset)
    last = last or partial_last
    if last and last >= #data then
      self.queued_bytes = self.queued_bytes - #data
      self.out[self.out_head] = nil
      self.out_head, self.out_offset = self.out_head + 1, 1
    else
      if last then self.out_offset = last + 1 end
      if err == "timeout" then return true end
      if err then return self:fail("closed", "connection lost while sending: " .. tostring(err)) end
      return true
    end
  end
  self.out, self.out_head, self.out_tail = {}, 1, 0
  return true
end

-- Splits a received chunk into lines; a line longer than the bound ends the connection (the
-- stream cannot be resynchronised safely inside a message).
function Transport:absorb(chunk)
  local start = 1
  while true do
    local nl = chunk:find("\n", start, true)
    if not nl then
      if start <= #chunk then
        self.partial[#self.partial + 1] = chunk:sub(start)
        self.partial_bytes = self.partial_bytes + (#chunk - start + 1)
      end
      break
    end
    if self.partial_bytes + (nl - start) > self.max_line_bytes then
      return self:fail("protocol", "the bridge sent a message over " .. self.max_line_bytes .. " bytes")
    end
    local line
    if #self.partial > 0 then
      self.partial[#self.partial + 1] = chunk:sub(start, nl - 1)
      line = table.concat(self.partial)
      self.partial, self.partial_bytes = {}, 0
    else
      line = chunk:sub(start, nl - 1)
    end
    if line:byte(-1) == 13 then line = line:sub(1, -2) end -- tolerate \r\n
    if line ~= "" then
      self.lines_tail = self.lines_tail + 1
      self.lines[self.lines_tail] = line
    end
    start = nl + 1
  end
  if self.partial_bytes > self.max_line_bytes then
    return self:fail("protocol", "the bridge sent a message over " .. self.max_line_bytes .. " bytes")
  end
  return true
end

function Transport:read()
  local total = 0
  while total < self.max_read_bytes do
    local data, err, partial = self.sock:receive(CHUNK)
    local chunk = data or partial
    if chunk and #chunk > 0 then
      total = total + #chunk
      local ok, ferr = self:absorb(chunk)
      if not ok then return nil, ferr end
    end
    if not data then
      if err == "timeout" then return true end
      return self:fail("closed", err == "closed" and "the bridge closed the connection" or ("connection lost: " .. tostring(err)))
    end
  end
  return true
end

function Transport:pump()
  if self.state == "closed" then return nil, self.error end
  if self.state == "connecting" then
    local ok, err = self:finish_connect()
    if not ok then return nil, err end
    if self.state ~= "open" then return true end
  end
  local ok, err = self:flush()
  if not ok then return nil, err end
  return self:read()
end

function Transport:next_line()
  if self.lines_head > self.lines_tail then
    if self.lines_head > 1 then self.lines, self.lines_head, self.lines_tail = {}, 1, 0 end
    return nil
  end
  local line = self.lines[self.lines_head]
  self.lines[self.lines_head] = nil
  self.lines_head = self.lines_head + 1
  return line
end

function Transport:has_output()
  return self.out_head <= self.out_tail
end

function Transport:wait(seconds)
  if not self.sock or self.state == "closed" then
    socket.sleep(seconds)
    return
  end
  local want_write = self.state == "connecting" or self:has_output()
  socket.select({self.sock}, want_write and {self.sock} or nil, seconds)
end

function Transport:close()
  if self.sock then self.sock:close() end
  self.sock = nil
  if self.state ~= "closed" then
    self.state = "closed"
    self.error = self.error or failure("closed", "closed by the client")
  end
end

return Transport
