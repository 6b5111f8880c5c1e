-- Reconnect with backoff and resume: the bridge process is stopped and a new one started on
-- the same ports with the same project folder (a new token, read again from the discovery
-- file). Subscriptions continue after their last event with no gap and no duplicate; calls
-- in flight fail with UNAVAILABLE; an attached host attaches again.
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")

describe("reconnect and resume", function()
  local bridge

  before_each(function() bridge = BridgeProcess.start() end)
  after_each(function() if bridge then bridge:cleanup() end end)

  local fast = {backoff_initial = 0.05, backoff_max = 0.5}

  local function connect(name)
    return helpers.connect(bridge, {name = name, backoff_initial = fast.backoff_initial, backoff_max = fast.backoff_max})
  end

  it("resumes a subscription after the last delivered event", function()
    local subscriber, publisher = connect("subscriber"), connect("publisher")
    local states = {}
    subscriber.on_state = function(state) states[#states + 1] = state end
    local ids, topics = {}, {}
    local sub = assert(subscriber:subscribe({topics = {"lua.reconnect.*"}}, function(event)
      ids[#ids + 1] = event.id
      topics[#topics + 1] = event.topic
    end))
    assert.is_true(helpers.run_until({subscriber, publisher}, function()
      if #ids == 0 then publisher.events:publish{topic = "lua.reconnect.warmup", payload = {}} end
      return #ids > 0
    end, 10), "the subscription never went live")
    local warm = #ids
    assert(publisher.events:publish{topic = "lua.reconnect.a", payload = {}})
    assert(publisher.events:publish{topic = "lua.reconnect.b", payload = {}})
    assert.is_true(helpers.run_until({subscriber}, function() return #ids >= warm + 2 end, 10))

    -- A plain stream in flight when the connection drops fails with UNAVAILABLE.
    local plain_failure
    subscriber:call("pipebridge.v1.EventService/Subscribe", {topics = {"nothing"}},
                    function(_, e) plain_failure = e end, {on_message = function() end})
    subscriber:poll()

    local old_token = bridge.token
    bridge:restart()
    assert.are_not.equal(old_token, bridge.token)

    -- Published before the subscriber even notices: it must get them by replay.
    local c = assert(publisher.events:publish{topic = "lua.reconnect.c", payload = {}}).event
    local d = assert(publisher.events:publish{topic = "lua.reconnect.d", payload = {}}).event

    assert.is_true(helpers.run_until({subscriber}, function() return #ids >= warm + 4 end, 15),
                   "resumed subscription delivered " .. (#ids - warm) .. " of 4 events")
    subscriber:run_until(function() return false end, 0.2) -- no duplicates may follow
    assert.same({"lua.reconnect.a", "lua.reconnect.b", "lua.reconnect.c", "lua.reconnect.d"},
                {(unpack or table.unpack)(topics, warm + 1)})
    assert.equal(warm + 4, #ids)
    assert.equal(c.id, ids[warm + 3])
    assert.equal(d.id, ids[warm + 4])
    assert.equal(d.id, sub.last_id)

    assert.equal("UNAVAILABLE", plain_failure and plain_failure.status)
    local seen = table.concat(states, ",")
    assert.truthy(seen:find("waiting", 1, true) and seen:find("ready", 1, true), seen)

    -- Live again after the resume.
    local e = assert(publisher.events:publish{topic = "lua.reconnect.e", payload = {}}).event
    assert.is_true(helpers.run_until({subscriber}, function() return ids[#ids] == e.id end, 10))
    subscriber:close()
    publisher:close()
  end)

  it("survives a bridge killed outright (SIGKILL, stale discovery file) and resumes", function()
    local subscriber, publisher = connect("subscriber"), connect("publisher")
    local topics = {}
    assert(subscriber:subscribe({topics = {"lua.crash.*"}}, function(event) topics[#topics + 1] = event.topic end))
    assert.is_true(helpers.run_until({subscriber, publisher}, function()
      if #topics == 0 then publisher.events:publish{topic = "lua.crash.warmup", payload = {}} end
      return #topics > 0
    end, 10), "the subscription never went live")
    local warm = #topics
    bridge:crash_and_restart()
    assert(publisher.events:publish{topic = "lua.crash.after", payload = {}})
    assert.is_true(helpers.run_until({subscriber}, function() return #topics >= warm + 1 end, 15),
                   "no event after the crash")
    assert.equal("lua.crash.after", topics[warm + 1])
    subscriber:close()
    publisher:close()
  end)

  it("queues calls while the bridge is away and sends them once it is back", function()
    local client = connect("patient")
    bridge:stop()
    local result, failure
    client.bridge:ping({payload = "cXVldWVk"}, function(r, e) result, failure = r, e end, {timeout = 20})
    client:run_until(function() return client.state == "waiting" end, 5)
    assert.equal("waiting", client.state)
    bridge:restart()
    assert.is_true(helpers.run_until({client}, function() return result or failure end, 15))
    assert.is_nil(failure)
    assert.equal("cXVldWVk", result.payload)
    client:close()
  end)

  it("attaches the host again, and callers reach it", function()
    local engine, caller = connect("engine"), connect("caller")
    local attachments, failure = 0, nil
    local host = assert(engine:attach_host{application = "lua-engine", commands = {
      {name = "engine.ping", handler = function() return {reply = "pong"} end}},
      on_attached = function() attachments = attachments + 1 end,
      on_error = function(err) failure = err end})
    helpers.run_until({engine}, function() return attachments == 1 or failure end, 10)
    assert(attachments == 1, "never attached: " .. tostring(failure))
    bridge:restart()
    assert.is_true(helpers.run_until({engine, caller}, function() return attachments == 2 end, 15),
                   "the host did not attach again after the restart")
    local result, err = helpers.call_polling(caller, {engine}, "pipebridge.v1.HostService/Invoke",
      {host = {query = {application = "lua-engine"}}, command = "engine.ping", args = {}})
    assert.is_nil(err)
    assert.same({reply = "pong"}, result.result)
    assert.equal(host.id, result.hostId)
    engine:close()
    caller:close()
  end)
end)
