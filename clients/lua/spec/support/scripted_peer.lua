-- A scripted JSON-RPC peer on 127.0.0.1 for specs of the client's own machinery: it accepts
-- one connection and sends exactly what the test says (in pieces, late, or never).
local socket = require("socket")
local pipebridge = require("pipebridge")
local helpers = require("helpers")

local Peer = {}
Peer.__index = Peer

function Peer.new()
  local server = assert(socket.bind("127.0.0.1", 0))
  server:settimeout(0)
  local _, port = server:getsockname()
  return setmetatable({server = server, port = tonumber(port), buffer = ""}, Peer)
end

function Peer:address() return "127.0.0.1:" .. self.port end

function Peer:pump()
  if not self.conn then
    self.conn = self.server:accept()
    if self.conn then self.conn:settimeout(0) end
  end
  if self.conn then
    local data, _, partial = self.conn:receive(65536)
    self.buffer = self.buffer .. (data or partial or "")
  end
end

-- The next complete line the client sent, decoded (polling client meanwhile), or nil.
function Peer:read_message(client, seconds)
  local message
  helpers.run_until({client}, function()
    self:pump()
    local line, rest = self.buffer:match("^(.-)\n(.*)$")
    if line then
      self.buffer = rest
      message = pipebridge.json.decode(line)
      return true
    end
    return false
  end, seconds or 5)
  return message
end

function Peer:send(text)
  assert(self.conn, "no client connected")
  local sent = 1
  while sent <= #text do
    local last, err, partial = self.conn:send(text, sent)
    last = last or partial
    if last then sent = last + 1 end
    if err and err ~= "timeout" then error(err) end
  end
end

-- Accepts the client and answers its $/initialize.
function Peer:handshake(client)
  local init = self:read_message(client)
  assert(init and init.method == "$/initialize", "the client sent no $/initialize")
  assert(init.params.token == "secret", "the client sent the wrong token")
  self:send('{"jsonrpc":"2.0","id":' .. init.id .. ',"result":{"protocolVersion":1,"server":{"name":"peer"}}}\n')
  assert(helpers.run_until({client}, function() return client.state == "ready" end, 5), "the client never became ready")
end

function Peer:close()
  if self.conn then self.conn:close() end
  self.server:close()
end

return Peer
