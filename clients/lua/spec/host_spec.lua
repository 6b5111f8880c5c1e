-- A Lua client attached as host "lua-engine" (JSON-RPC host.attach), invoked by another Lua
-- client in this process and by a Python process: results, errors, deferred answers,
-- cancellation, progress and heartbeats.
local socket = require("socket")
local json = require("pipebridge.json")
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")

describe("host attach", function()
  local bridge, engine, caller, host
  local cancelled = {}
  local heard = {}

  local commands = {
    {name = "engine.echo", title = "Echo", args_schema = {type = "object"},
     handler = function(args, invocation)
       heard[#heard + 1] = invocation
       return {echo = args, command = invocation.command}
     end},
    {name = "engine.fail", handler = function()
       return nil, {code = "FAILED_PRECONDITION", message = "no level is open"}
     end},
    {name = "engine.boom", handler = function() error("exploded", 0) end},
    {name = "engine.never", handler = function(_, invocation)
       invocation.on_cancel = function(reason) cancelled[#cancelled + 1] = {id = invocation.id, reason = reason} end
       return invocation:defer()
     end},
    {name = "engine.later", handler = function(args, invocation)
       invocation:progress(0.5, "half way", {step = 1})
       engine.later_invocation = invocation
       return invocation:defer()
     end},
  }

  lazy_setup(function()
    bridge = BridgeProcess.start()
    engine = helpers.connect(bridge, {name = "engine"})
    caller = helpers.connect(bridge, {name = "caller"})
    local attached
    host = assert(engine:attach_host{application = "lua-engine", display_name = "Lua spec engine",
                                     commands = commands, heartbeat_interval = 0.2,
                                     on_attached = function(record) attached = record end,
                                     on_error = function(err) attached = err end})
    assert.is_true(helpers.run_until({engine}, function() return attached ~= nil end, 10),
                   "host.attach got no answer")
    assert(host.id, "host.attach failed: " .. tostring(attached))
  end)

  lazy_teardown(function()
    if engine then engine:close() end
    if caller then caller:close() end
    if bridge then bridge:cleanup() end
  end)

  local function invoke(command, args, opts)
    return helpers.call_polling(caller, {engine}, "pipebridge.v1.HostService/Invoke",
      {host = {query = {application = "lua-engine"}}, command = command, args = args or {}}, opts)
  end

  it("is listed with its commands", function()
    local hosts = assert(caller.hosts:list_hosts{application = "lua-engine"}).hosts
    assert.equal(1, #hosts)
    assert.equal(host.id, hosts[1].id)
    assert.equal("Lua spec engine", hosts[1].displayName)
    local names = {}
    for _, c in ipairs(hosts[1].commands) do names[#names + 1] = c.name end
    table.sort(names)
    assert.same({"engine.boom", "engine.echo", "engine.fail", "engine.later", "engine.never"}, names)
  end)

  it("answers an invocation with the handler's result", function()
    local result, err = invoke("engine.echo", {asset = "hero", lod = 2})
    assert.is_nil(err)
    assert.equal(host.id, result.hostId)
    assert.same({echo = {asset = "hero", lod = 2}, command = "engine.echo"}, result.result)
    assert.equal("string", type(heard[#heard].id))
  end)

  it("passes the handler's error to the caller as that status", function()
    local _, err = invoke("engine.fail")
    assert.equal(9, err.code)
    assert.equal("FAILED_PRECONDITION", err.status)
    assert.truthy(err.message:find("no level is open", 1, true), err.message)

    local _, boom = invoke("engine.boom")
    assert.equal("INTERNAL", boom.status)
    assert.truthy(boom.message:find("exploded", 1, true), boom.message)
  end)

  it("is told when the caller gives up (host.cancel)", function()
    local _, err = invoke("engine.never", {}, {timeout = 0.3})
    assert.equal("DEADLINE_EXCEEDED", err.status)
    assert.is_true(helpers.run_until({engine}, function() return #cancelled >= 1 end, 5),
                   "no host.cancel reached the host")
    assert.equal("string", type(cancelled[1].reason))
    assert.is_nil(next(host.invocations))
  end)

  it("streams progress, then a deferred result", function()
    local streamer = helpers.connect(bridge, {name = "streamer"}) -- its own connection, checked after
    local messages, done = {}, nil
    streamer.hosts:invoke_stream({host = {hostId = host.id}, command = "engine.later", args = {}},
      function(message) messages[#messages + 1] = message end,
      {on_done = function(r, e) done = {r, e} end})
    assert.is_true(helpers.run_until({streamer, engine}, function()
      if engine.later_invocation and #messages >= 1 and not engine.later_invocation.answered then
        engine.later_invocation:resolve({loaded = true})
      end
      return done ~= nil
    end, 10))
    assert.is_nil(done[2])
    assert.equal(0.5, messages[1].progress.fraction)
    assert.equal("half way", messages[1].progress.message)
    assert.same({loaded = true}, messages[#messages].result.result)
    -- The connection that carried the stream still answers.
    local pong, err = streamer.bridge:ping({payload = "eA=="}, {timeout = 3})
    streamer:close()
    assert(pong, "the connection is stuck after its InvokeStream ended: " .. tostring(err))
  end)

  it("answers with any JSON value, not only objects", function()
    local updated
    local list = {}
    for i, c in ipairs(commands) do list[i] = c end
    local reply
    list[#list + 1] = {name = "engine.value", handler = function() return reply end}
    host:update_commands(list, function(_, err) updated = err or true end)
    assert.is_true(helpers.run_until({engine}, function() return updated ~= nil end, 5))
    for _, value in ipairs({"pong", 42, {1, 2}, true}) do
      reply = value
      local result, err = invoke("engine.value")
      assert(result, "a " .. type(value) .. " result was refused: " .. tostring(err))
      assert.same(value, result.result)
    end
    host:update_commands(commands)
  end)

  it("heartbeats from poll()", function()
    local before = host.heartbeats_acked
    helpers.run_until({engine}, function() return host.heartbeats_acked >= before + 3 end, 5)
    assert.is_true(host.heartbeats_acked >= before + 3, "heartbeats acknowledged: " .. host.heartbeats_acked - before)
  end)

  it("is invoked from another process (Python, standard library)", function()
    local out = bridge.root .. "/python-invoke.out"
    os.execute(string.format("python3 spec/support/invoke_host.py '%s' lua-engine engine.echo '%s' >'%s' 2>&1 &",
      bridge.discovery_dir, '{"from": "python"}', out))
    local reply
    helpers.run_until({engine}, function()
      local f = io.open(out, "rb")
      local text = f and f:read("*a")
      if f then f:close() end
      if text and text:find("\n") then reply = text return true end
      return false
    end, 20)
    assert(reply, "the Python invoker printed nothing within 20 s")
    local decoded = assert(json.decode(reply), reply)
    assert.is_table(decoded.result, reply)
    assert.same({echo = {from = "python"}, command = "engine.echo"}, decoded.result.result)
  end)

  it("replaces its commands, then detaches", function()
    local updated
    host:update_commands({{name = "engine.echo", handler = commands[1].handler}}, function(_, err) updated = err or true end)
    assert.is_true(helpers.run_until({engine}, function() return updated ~= nil end, 5))
    assert.is_true(updated)
    local listed = assert(caller.hosts:list_hosts{application = "lua-engine"}).hosts
    assert.equal(1, #listed[1].commands)
    assert.equal("engine.echo", listed[1].commands[1].name)

    local detached
    host:detach(function(_, err) detached = err or true end)
    assert.is_true(helpers.run_until({engine}, function() return detached ~= nil end, 5))
    assert.is_true(detached)
    assert.equal(0, #assert(caller.hosts:list_hosts{application = "lua-engine"}).hosts)
    -- The connection stays open, and one may attach again.
    local again
    host = assert(engine:attach_host{application = "lua-engine", commands = commands,
                                     on_attached = function(r) again = r end})
    assert.is_true(helpers.run_until({engine}, function() return again ~= nil end, 5))
  end)

  it("refuses a second attach on the same connection", function()
    local second, err = engine:attach_host{application = "again"}
    assert.is_nil(second)
    assert.equal("FAILED_PRECONDITION", err.status)
  end)
end)
