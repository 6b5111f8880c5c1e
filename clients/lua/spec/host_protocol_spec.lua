-- The host side of the wire exactly as docs/protocol.md ("Hosts over JSON-RPC") writes it,
-- checked message by message against a scripted peer: host.attach with the HostHello,
-- answers to host.invoke requests ("s:N" ids), host.cancel, host.progress, heartbeats.
-- host_spec.lua runs the same behaviour against the real bridge.
local socket = require("socket")
local pipebridge = require("pipebridge")
local Peer = require("scripted_peer")

describe("host protocol against a scripted peer", function()
  local peer, client, host, attached, cancelled

  before_each(function()
    peer = Peer.new()
    client = assert(pipebridge.connect{address = peer:address(), token = "secret", reconnect = false, timeout = 5})
    peer:handshake(client)
    cancelled = nil
    host = assert(client:attach_host{
      application = "lua-engine", application_version = "1.2", display_name = "Editor",
      session_id = "level-1", heartbeat_interval = 0.1,
      commands = {
        {name = "engine.add", title = "Add", args_schema = {type = "object"},
         handler = function(args) return args.a + args.b end},
        {name = "engine.fail", handler = function() return nil, {code = 5, message = "no asset hero"} end},
        {name = "engine.wait", handler = function(_, inv)
           inv.on_cancel = function(reason) cancelled = reason end
           inv:progress(0.25, "loading")
           return inv:defer()
         end},
      },
      on_attached = function(record) attached = record end,
    })
  end)

  after_each(function()
    client:close()
    peer:close()
  end)

  local function attach()
    local hello = peer:read_message(client)
    assert.equal("host.attach", hello.method)
    peer:send('{"jsonrpc":"2.0","id":' .. hello.id .. ',"result":{"host":{"id":"h-7","application":"lua-engine"},"leaseMs":"600000"}}\n')
    client:run_until(function() return attached ~= nil end, 5)
    return hello
  end

  it("sends the HostHello in ProtoJSON and learns its id and lease", function()
    local hello = attach()
    local p = hello.params
    assert.equal("lua-engine", p.application)
    assert.equal("1.2", p.applicationVersion)
    assert.equal("Editor", p.displayName)
    assert.equal("level-1", p.sessionId)
    assert.equal("number", type(p.pid))
    assert.equal("engine.add", p.commands[1].name)
    assert.same({type = "object"}, p.commands[1].argsSchema)
    assert.is_nil(p.commands[1].handler)
    assert.is_nil(p["$meta"]) -- host.* take no $meta: the local timer bounds them
    assert.equal("h-7", host.id)
    assert.equal(600000, host.lease)
  end)

  it("answers host.invoke with the result or the handler's error, echoing the string id", function()
    attach()
    peer:send('{"jsonrpc":"2.0","id":"s:1","method":"host.invoke","params":{"invocationId":"i1","command":"engine.add","args":{"a":2,"b":3}}}\n')
    local answer = peer:read_message(client)
    while answer.method == "host.heartbeat" do answer = peer:read_message(client) end
    assert.equal("s:1", answer.id)
    assert.equal(5, answer.result)
    assert.is_nil(answer.error)

    peer:send('{"jsonrpc":"2.0","id":"s:2","method":"host.invoke","params":{"invocationId":"i2","command":"engine.fail","args":{}}}\n')
    answer = peer:read_message(client)
    while answer.method == "host.heartbeat" do answer = peer:read_message(client) end
    assert.equal("s:2", answer.id)
    assert.same({code = 5, message = "no asset hero"}, answer.error)
  end)

  it("stops on host.cancel and sends no late answer", function()
    attach()
    peer:send('{"jsonrpc":"2.0","id":"s:3","method":"host.invoke","params":{"invocationId":"i3","command":"engine.wait","args":{}}}\n')
    local progress = peer:read_message(client)
    while progress.method == "host.heartbeat" do progress = peer:read_message(client) end
    assert.equal("host.progress", progress.method)
    assert.is_nil(progress.id) -- a notification
    assert.same({invocationId = "i3", fraction = 0.25, message = "loading"}, progress.params)
    peer:send('{"jsonrpc":"2.0","method":"host.cancel","params":{"invocationId":"i3","reason":"deadline exceeded"}}\n')
    assert.is_true(client:run_until(function() return cancelled ~= nil end, 5))
    assert.equal("deadline exceeded", cancelled)
    assert.is_nil(next(host.invocations))
  end)

  it("heartbeats every interval from poll()", function()
    attach()
    local started = socket.gettime()
    local beats = 0
    while beats < 3 do
      local m = peer:read_message(client, 3)
      assert(m, "no heartbeat within 3 s")
      if m.method == "host.heartbeat" then
        beats = beats + 1
        peer:send('{"jsonrpc":"2.0","id":' .. m.id .. ',"result":{"serverTime":"2026-11-28T00:00:00Z"}}\n')
      end
    end
    local elapsed = socket.gettime() - started
    assert.is_true(elapsed >= 0.25 and elapsed < 2, "3 heartbeats took " .. elapsed .. " s")
  end)

  it("replaces its commands and detaches with the documented requests", function()
    attach()
    assert(host:update_commands({{name = "engine.only", handler = function() return 1 end}}))
    local update = peer:read_message(client)
    while update.method == "host.heartbeat" do update = peer:read_message(client) end
    assert.equal("host.updateCommands", update.method)
    assert.same({{name = "engine.only"}}, update.params.commands)
    assert.is_nil(host.handlers["engine.add"])
    host:detach()
    local detach = peer:read_message(client)
    while detach.method == "host.heartbeat" do detach = peer:read_message(client) end
    assert.equal("host.detach", detach.method)
    assert.is_nil(client.host)
  end)

  it("attaches again when the bridge ends the session (host.detached)", function()
    attach()
    peer:send('{"jsonrpc":"2.0","method":"host.detached","params":{"code":4,"status":"DEADLINE_EXCEEDED","message":"lease expired"}}\n')
    local again = peer:read_message(client)
    while again.method == "host.heartbeat" do again = peer:read_message(client) end
    assert.equal("host.attach", again.method)
    assert.equal("lua-engine", again.params.application)
    assert.is_false(host.attached)
    peer:send('{"jsonrpc":"2.0","id":' .. again.id .. ',"result":{"host":{"id":"h-8"},"leaseMs":"600000"}}\n')
    assert.is_true(client:run_until(function() return host.id == "h-8" end, 5))
    assert.is_true(host.attached)
  end)

  it("answers -32602 to a host.invoke without an invocation id", function()
    attach()
    peer:send('{"jsonrpc":"2.0","id":"s:8","method":"host.invoke","params":{"command":"engine.add"}}\n')
    local answer = peer:read_message(client)
    while answer.method == "host.heartbeat" do answer = peer:read_message(client) end
    assert.equal("s:8", answer.id)
    assert.equal(-32602, answer.error.code)
  end)

  it("answers -32601 to a server request it does not know", function()
    attach()
    peer:send('{"jsonrpc":"2.0","id":"s:9","method":"host.teleport","params":{}}\n')
    local answer = peer:read_message(client)
    while answer.method == "host.heartbeat" do answer = peer:read_message(client) end
    assert.equal("s:9", answer.id)
    assert.equal(-32601, answer.error.code)
  end)
end)
