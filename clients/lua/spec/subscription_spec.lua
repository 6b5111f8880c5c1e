-- Event subscriptions over $/stream: history replay, live events, one callback per event,
-- cancellation.
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")

describe("event subscriptions", function()
  local bridge, client, publisher

  lazy_setup(function()
    bridge = BridgeProcess.start()
    client = helpers.connect(bridge, {name = "subscriber"})
    publisher = helpers.connect(bridge, {name = "publisher"})
  end)

  lazy_teardown(function()
    if client then client:close() end
    if publisher then publisher:close() end
    if bridge then bridge:cleanup() end
  end)

  it("replays history from the beginning, one callback per event", function()
    local shots = {}
    local sub = assert(client.events:subscribe({topics = {"entity.Shot.created"}, fromBeginning = true},
                                               function(event) shots[#shots + 1] = event end))
    assert.is_true(helpers.run_until({client}, function() return #shots >= 6 end, 10))
    assert.equal("entity.Shot.created", shots[1].topic)
    assert.equal("Shot", shots[1].payload.entity.type)
    for i = 2, #shots do
      assert.is_true(tonumber(shots[i].id) > tonumber(shots[i - 1].id))
    end
    assert.equal(shots[#shots].id, sub.last_id)
    sub:cancel()
  end)

  it("delivers live events published by another client, filtered by topic", function()
    local seen = {}
    local sub = assert(client:subscribe({topics = {"lua.spec.*"}}, function(event) seen[#seen + 1] = event end))
    -- The subscription starts live (no replay): wait until the bridge has it, by publishing
    -- until the first one arrives (bounded).
    assert.is_true(helpers.run_until({client, publisher}, function()
      if #seen == 0 then publisher.events:publish{topic = "lua.spec.warmup", payload = {}} end
      return #seen > 0
    end, 10))
    local before = #seen
    local published = {}
    for i = 1, 3 do
      published[i] = assert(publisher.events:publish{topic = "lua.spec.tick", payload = {n = i}}).event.id
    end
    publisher.events:publish{topic = "other.topic", payload = {}}
    assert.is_true(helpers.run_until({client}, function() return #seen >= before + 3 end, 10))
    client:run_until(function() return false end, 0.2) -- nothing else may arrive
    assert.equal(before + 3, #seen)
    for i = 1, 3 do
      assert.equal(published[i], seen[before + i].id)
      assert.equal(i, seen[before + i].payload.n)
      assert.equal("lua.spec.tick", seen[before + i].topic)
    end
    sub:cancel()
    publisher.events:publish{topic = "lua.spec.tick", payload = {n = 4}}
    client:run_until(function() return false end, 0.2)
    assert.equal(before + 3, #seen)
  end)

  it("resumes after a given event id", function()
    local first = assert(publisher.events:publish{topic = "lua.resume.a", payload = {}}).event
    local second = assert(publisher.events:publish{topic = "lua.resume.b", payload = {}}).event
    local got = {}
    local sub = client.events:subscribe({topics = {"lua.resume.*"}, afterId = first.id},
                                        function(event) got[#got + 1] = event.id end)
    assert.is_true(helpers.run_until({client}, function() return #got >= 1 end, 10))
    assert.same({second.id}, got)
    sub:cancel()
  end)

  it("refuses a subscription without a callback", function()
    local sub, err = client:subscribe({topics = {"x"}})
    assert.is_nil(sub)
    assert.equal("INVALID_ARGUMENT", err.status)
  end)
end)
