-- The client's own machinery: framing, never blocking, local deadlines and errors. Part runs
-- against a scripted peer in this process (a LuaSocket server that answers exactly what the
-- test says, in pieces, or not at all); part against a real bridge.
local socket = require("socket")
local pipebridge = require("pipebridge")
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")
local Peer = require("scripted_peer")

describe("client machinery against a scripted peer", function()
  local peer, client

  before_each(function()
    peer = Peer.new()
    client = assert(pipebridge.connect{address = peer:address(), token = "secret", reconnect = false, timeout = 5})
    peer:handshake(client)
  end)

  after_each(function()
    client:close()
    peer:close()
  end)

  it("reassembles responses split across reads and splits several per read", function()
    local results = {}
    local first = client:call("a.A", {}, function(r) results.first = r end)
    local second = client:call("b.B", {}, function(r) results.second = r end)
    assert.equal("a.A", peer:read_message(client).method)
    assert.equal("b.B", peer:read_message(client).method)
    local both = '{"jsonrpc":"2.0","id":' .. first .. ',"result":{"n":"é😀"}}\r\n\n'
      .. '{"jsonrpc":"2.0","id":' .. second .. ',"result":{"n":2}}\n'
    for i = 1, #both, 7 do -- 7-byte pieces, each followed by a poll that must not block
      peer:send(both:sub(i, i + 6))
      socket.sleep(0.002)
      local started = socket.gettime()
      client:poll()
      assert.is_true(socket.gettime() - started < 0.05, "poll() blocked")
    end
    assert.is_true(helpers.run_until({client}, function() return results.second ~= nil end, 5))
    assert.equal("é😀", results.first.n)
    assert.equal(2, results.second.n)
  end)

  it("sends the deadline as $meta.timeoutMs and fails the call locally when it passes", function()
    local got, failure
    local started = socket.gettime()
    client:call("test.v1.Slow/Method", {x = 1}, function(r, e) got, failure = r, e end, {timeout = 0.3})
    local request = peer:read_message(client)
    assert.equal(1, request.params.x)
    local ms = request.params["$meta"].timeoutMs
    assert.is_true(ms > 200 and ms <= 300, "timeoutMs " .. tostring(ms))
    -- The peer never answers: the local timer must.
    assert.is_true(helpers.run_until({client}, function() return failure ~= nil end, 3))
    local elapsed = socket.gettime() - started
    assert.is_nil(got)
    assert.equal(4, failure.code)
    assert.equal("DEADLINE_EXCEEDED", failure.status)
    assert.truthy(failure.message:find("test.v1.Slow/Method", 1, true))
    assert.is_true(elapsed >= 0.29 and elapsed < 1.5, "fired after " .. elapsed .. " s")
    -- ... and tells the peer to stop working on it; a late answer is dropped.
    local cancel = peer:read_message(client)
    assert.equal("$/cancelRequest", cancel.method)
    assert.equal(request.id, cancel.params.id)
    peer:send('{"jsonrpc":"2.0","id":' .. request.id .. ',"result":{}}\n')
    client:poll()
    assert.is_nil(got)
  end)

  it("answers call_sync within its timeout with DEADLINE_EXCEEDED", function()
    local started = socket.gettime()
    local result, err = client:call_sync("slow.Method", {}, {timeout = 0.2})
    assert.is_nil(result)
    assert.equal("DEADLINE_EXCEEDED", err.status)
    assert.is_true(socket.gettime() - started < 1.5)
  end)

  it("closes on a message over the size bound instead of buffering without end", function()
    client:close()
    peer:close()
    peer = Peer.new()
    client = assert(pipebridge.connect{address = peer:address(), token = "secret", reconnect = false,
                                       max_message_bytes = 1024})
    peer:handshake(client)
    local failure
    client:call("a.A", {}, function(_, e) failure = e end)
    peer:read_message(client)
    peer:send('{"jsonrpc":"2.0","id":2,"result":"' .. string.rep("x", 4096)) -- no newline yet
    assert.is_true(helpers.run_until({client}, function() return failure ~= nil end, 5))
    assert.equal("UNAVAILABLE", failure.status)
    assert.truthy(failure.message:find("over 1024 bytes", 1, true), failure.message)
    assert.equal("closed", client.state)
  end)

  it("queues what the socket does not take and writes it as the peer reads, never blocking", function()
    local payload = string.rep("p", 1024 * 1024)
    local calls = 12 -- 12 MiB: within the default 16 MiB send queue, beyond the socket buffers
    for _ = 1, calls do
      local started = socket.gettime()
      assert(client:call("big.Write", {payload = payload}, nil, {timeout = 30}))
      client:poll()
      assert.is_true(socket.gettime() - started < 0.5, "call() or poll() blocked on a full socket")
    end
    assert.is_true(client.transport.queued_bytes > 0, "nothing was left queued")
    local bytes, lines = #peer.buffer, select(2, peer.buffer:gsub("\n", ""))
    local deadline = socket.gettime() + 20
    while lines < calls and socket.gettime() < deadline do
      client:poll()
      local data, _, partial = peer.conn:receive(1024 * 1024)
      local chunk = data or partial or ""
      bytes = bytes + #chunk
      lines = lines + select(2, chunk:gsub("\n", ""))
    end
    assert.equal(calls, lines, ("bytes %d, still queued %d, state %s"):format(bytes, client.transport.queued_bytes, client.state))
    assert.is_true(bytes > calls * #payload)
    assert.equal(0, client.transport.queued_bytes)
  end)

  it("refuses a message larger than the send queue's bound", function()
    client:close()
    peer:close()
    peer = Peer.new()
    client = assert(pipebridge.connect{address = peer:address(), token = "secret", reconnect = false,
                                       max_queued_bytes = 4096})
    peer:handshake(client)
    local called = false
    local id, failure = client:call("big.Write", {payload = string.rep("x", 8192)}, function() called = true end)
    assert.is_nil(id)
    assert.is_false(called)
    assert.equal("RESOURCE_EXHAUSTED", failure.status)
    assert.truthy(failure.message:find("bound of 4096", 1, true), failure.message)
    assert.equal("ready", client.state) -- the connection itself is fine
  end)

  it("resubscribes after the last delivered event when the bridge ends a slow subscriber", function()
    local ids = {}
    local sub = assert(client:subscribe({topics = {"t.*"}, fromBeginning = true}, function(e) ids[#ids + 1] = e.id end))
    local first = peer:read_message(client)
    assert.equal("pipebridge.v1.EventService/Subscribe", first.method)
    assert.is_true(first.params.fromBeginning)
    for _, id in ipairs({"41", "42"}) do
      peer:send('{"jsonrpc":"2.0","method":"$/stream","params":{"id":' .. first.id
        .. ',"message":{"event":{"id":"' .. id .. '","topic":"t.x"}}}}\n')
    end
    peer:send('{"jsonrpc":"2.0","id":' .. first.id .. ',"error":{"code":8,"message":"subscriber fell behind after 42",'
      .. '"data":{"status":"RESOURCE_EXHAUSTED","details":[]}}}\n')
    local again = peer:read_message(client)
    assert.equal("pipebridge.v1.EventService/Subscribe", again.method)
    assert.equal("42", again.params.afterId)
    assert.is_nil(again.params.fromBeginning)
    assert.same({"t.*"}, again.params.topics)
    assert.same({"41", "42"}, ids)
    assert.equal("42", sub.last_id)
  end)

  it("delivers server-stream messages in order, then the end of the stream", function()
    local messages, ended = {}, nil
    local id = client:call("s.Stream", {}, function(r, e) ended = {r, e} end,
                           {on_message = function(m) messages[#messages + 1] = m.n end})
    local request = peer:read_message(client)
    assert.is_nil(request.params["$meta"]) -- streams get no default deadline
    for n = 1, 3 do
      peer:send('{"jsonrpc":"2.0","method":"$/stream","params":{"id":' .. id .. ',"message":{"n":' .. n .. '}}}\n')
    end
    peer:send('{"jsonrpc":"2.0","id":' .. id .. ',"result":{}}\n')
    assert.is_true(helpers.run_until({client}, function() return ended ~= nil end, 5))
    assert.same({1, 2, 3}, messages)
    assert.is_nil(ended[2])
  end)
end)

describe("reconnect backoff", function()
  it("retries a refused connection with doubling delays up to the maximum", function()
    local probe = assert(socket.bind("127.0.0.1", 0))
    local _, port = probe:getsockname()
    probe:close() -- nothing listens there now: every attempt is refused at once
    local attempts = {}
    local client = assert(pipebridge.connect{address = "127.0.0.1:" .. port, token = "x",
      backoff_initial = 0.05, backoff_max = 0.2,
      on_state = function(state) if state == "connecting" then attempts[#attempts + 1] = socket.gettime() end end})
    assert.is_true(client:run_until(function() return #attempts >= 6 end, 5))
    assert.equal("UNAVAILABLE", client.last_error.status)
    assert.truthy(client.last_error.message:find("refused", 1, true), client.last_error.message)
    client:close()
    local gaps = {}
    for i = 2, #attempts do gaps[#gaps + 1] = attempts[i] - attempts[i - 1] end
    -- 0.05, 0.1, 0.2, then capped at 0.2. Never sooner; later only by scheduling slack (a
    -- loaded CI machine), which stays below what an uncapped 0.8 s would be.
    local expected = {0.05, 0.1, 0.2, 0.2, 0.2}
    for i, want in ipairs(expected) do
      assert.is_true(gaps[i] >= want - 0.005 and gaps[i] < want + 0.25,
                     ("attempt %d came %.3f s after the previous, expected %.2f"):format(i + 1, gaps[i], want))
    end
  end)
end)

describe("client errors", function()
  local bridge

  lazy_setup(function() bridge = BridgeProcess.start() end)
  lazy_teardown(function() if bridge then bridge:cleanup() end end)

  it("reports gRPC failures with code, status and message", function()
    local client = helpers.connect(bridge)
    local result, err = client.entities:find{entityType = "Shot", filters = {{"code", "iss", "sh010"}}}
    assert.is_nil(result)
    assert.equal(3, err.code)
    assert.equal("INVALID_ARGUMENT", err.status)
    assert.truthy(err.message:find("filters[0][1]", 1, true), err.message)
    assert.equal("INVALID_ARGUMENT: " .. err.message, tostring(err))

    local _, not_found = client.entities:get{entityType = "Shot", id = 999999}
    assert.equal("NOT_FOUND", not_found.status)
    client:close()
  end)

  it("reports protocol failures with their JSON-RPC code", function()
    local client = helpers.connect(bridge)
    local _, unknown_field = client.entities:find{entityType = "Shot", colour = "red"}
    assert.equal(-32602, unknown_field.code)
    assert.equal("INVALID_PARAMS", unknown_field.status)
    assert.truthy(unknown_field.message:find("colour", 1, true), unknown_field.message)

    local _, no_method = client:call_sync("pipebridge.v1.EntityService/Fnd", {})
    assert.equal(-32601, no_method.code)
    client:close()
  end)

  it("refuses bad arguments before sending anything", function()
    local client = helpers.connect(bridge)
    local id, err = client:call("pipebridge.v1.BridgeService/Ping", {"positional"})
    assert.is_nil(id)
    assert.equal("INVALID_ARGUMENT", err.status)
    assert.truthy(err.message:find("named fields", 1, true))
    local _, bad_timeout = client:call_sync("pipebridge.v1.BridgeService/Ping", {}, {timeout = -1})
    assert.equal("INVALID_ARGUMENT", bad_timeout.status)
    local _, not_json = client.bridge:ping{payload = function() end}
    assert.equal("INVALID_ARGUMENT", not_json.status)
    assert.truthy(not_json.message:find("$.payload", 1, true), not_json.message)
    local _, bad_option = pipebridge.connect{timeout = "soon"}
    assert.equal("INVALID_ARGUMENT", bad_option.status)
    client:close()
  end)

  it("refuses a wrong token at the handshake and does not retry", function()
    local client, err = pipebridge.connect_sync{address = bridge.tcp_address, token = string.rep("0", 64), timeout = 5}
    assert.is_nil(client)
    assert.equal(16, err.code)
    assert.equal("UNAUTHENTICATED", err.status)
    assert.is_nil(err.message:find(bridge.token, 1, true))
  end)

  it("connects through PIPEBRIDGE_URL (another process, given only the URL)", function()
    local lua = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
    local script = "package.path = './?.lua;./?/init.lua;' .. package.path "
      .. "local c, err = require('pipebridge').connect_sync{timeout = 5} "
      .. "if not c then print('failed', tostring(err)) os.exit(1) end "
      .. "print('pong', c.bridge:ping{payload = 'url'}.payload)"
    local p = io.popen(("PIPEBRIDGE_DISCOVERY_DIR=/nonexistent PIPEBRIDGE_URL='tcp://%s?token=%s' %s -e \"%s\" 2>&1")
      :format(bridge.tcp_address, bridge.token, lua, script))
    local out = p:read("*a")
    p:close()
    assert.equal("pong\turl\n", out)
  end)

  it("says the bridge is not running when there is no discovery file", function()
    local started = socket.gettime()
    local client, err = pipebridge.connect_sync{discovery_dir = bridge.root .. "/nowhere", timeout = 0.5}
    assert.is_nil(client)
    assert.equal("UNAVAILABLE", err.status)
    assert.truthy(err.message:find("no discovery file", 1, true), err.message)
    assert.is_true(socket.gettime() - started < 3)
  end)

  it("passes the deadline to the bridge, which ends a stream with DEADLINE_EXCEEDED", function()
    local client = helpers.connect(bridge)
    local failure
    client:call("pipebridge.v1.EventService/Subscribe", {topics = {"nothing.ever"}},
                function(_, e) failure = e end, {timeout = 0.3, on_message = function() end})
    assert.is_true(helpers.run_until({client}, function() return failure ~= nil end, 5))
    assert.equal("DEADLINE_EXCEEDED", failure.status)
    client:close()
  end)

  it("routes 200 concurrent answers, arriving in any order, to their own callbacks", function()
    local client = helpers.connect(bridge)
    local answers, mismatched = 0, {}
    for i = 1, 200 do
      local payload = "call " .. i
      assert(client.bridge:ping({payload = payload}, function(result, err)
        answers = answers + 1
        if not result or result.payload ~= payload then mismatched[#mismatched + 1] = i end
      end))
    end
    assert.is_true(helpers.run_until({client}, function() return answers == 200 end, 20))
    assert.same({}, mismatched)
    client:close()
  end)

  it("cancels a call: CANCELLED at once, and the connection stays usable", function()
    local client = helpers.connect(bridge)
    local failure
    local id = client:call("pipebridge.v1.EventService/Subscribe", {topics = {"nothing.ever"}},
                           function(_, e) failure = e end, {on_message = function() end})
    client:poll()
    assert.is_true(client:cancel(id))
    assert.equal("CANCELLED", failure.status)
    assert.equal("x", (client.bridge:ping{payload = "eA=="}).payload == "eA==" and "x")
    client:close()
  end)
end)
