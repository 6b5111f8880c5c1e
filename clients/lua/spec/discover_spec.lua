-- The method table: generated from `pipebridge discover` (tools/gen_methods.lua, what the
-- build does) and asked of the bridge at run time (rpc.discover). Both must list the same
-- methods, and the helpers must use them: precise local errors, streaming kinds.
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")

local function generate()
  local dir = os.tmpname()
  os.remove(dir)
  local out = dir .. ".lua"
  local lua = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+")) -- this runtime
  local command = ("%s tools/gen_methods.lua --pipebridge '%s' --out '%s' 2>&1"):format(
    lua, BridgeProcess.binary(), out)
  local p = io.popen(command)
  local output = p:read("*a")
  p:close()
  local chunk, err = loadfile(out)
  os.remove(out)
  assert(chunk, "gen_methods.lua produced no Lua module: " .. tostring(err) .. "\n" .. output)
  return chunk()
end

local function method_set(doc)
  local set = {}
  for _, service in ipairs(doc.services) do
    for _, m in ipairs(service.methods) do set[m.method] = m.kind end
  end
  return set
end

describe("method table", function()
  local bridge, client, generated

  lazy_setup(function()
    bridge = BridgeProcess.start()
    client = helpers.connect(bridge)
    generated = generate()
  end)

  lazy_teardown(function()
    if client then client:close() end
    if bridge then bridge:cleanup() end
  end)

  it("is generated from `pipebridge discover` with every service of the contract", function()
    local set = method_set(generated)
    assert.equal(1, generated.protocolVersion)
    assert.equal("unary", set["pipebridge.v1.EntityService/Find"])
    assert.equal("server_streaming", set["pipebridge.v1.EventService/Subscribe"])
    assert.equal("bidi_streaming", set["pipebridge.v1.HostService/Attach"])
    for _, service in ipairs({"Bridge", "Entity", "Template", "Context", "Publish", "Event", "Host"}) do
      local found = false
      for _, s in ipairs(generated.services) do
        if s.name == "pipebridge.v1." .. service .. "Service" then found = #s.methods > 0 end
      end
      assert.is_true(found, service .. "Service missing from the generated table")
    end
  end)

  it("is what the build generated, when the build put it on package.path", function()
    local ok, built = pcall(require, "pipebridge.methods_generated")
    if not ok then
      pending("no build-time pipebridge.methods_generated on package.path (ctest puts it there)")
      return
    end
    assert.same(generated, built)
  end)

  it("matches what the running bridge answers to rpc.discover", function()
    local doc, err = client:discover{timeout = 5}
    assert(doc, "rpc.discover failed: " .. tostring(err))
    assert.same(method_set(generated), method_set(doc))
    assert.is_table(doc.schemas["pipebridge.v1.FindEntitiesRequest"])
  end)

  it("makes the helpers precise", function()
    client:use_methods(generated)
    local _, err = client.entities:fnd{}
    assert.equal("UNIMPLEMENTED", err.status)
    assert.truthy(err.message:find("EntityService has no method fnd", 1, true), err.message)
    assert.truthy(err.message:find("Find, Get", 1, true), err.message)
    local _, bidi = client.hosts:attach{}
    assert.truthy(bidi.message:find("attach_host", 1, true), bidi.message)
    -- Names match whatever the case and underscores.
    assert.equal("aGk=", assert(client.bridge:Ping{payload = "aGk="}).payload)
    assert.is_table(assert(client.templates:listTemplates{}).templates)
    -- A streaming method takes a message callback.
    local got, done = {}, nil
    client.events:publish{topic = "lua.discover.x", payload = {}}
    client.hosts:invoke_stream({host = {hostId = "no-such-host"}, command = "x", args = {}},
      function(m) got[#got + 1] = m end, {on_done = function(r, e) done = e or r end})
    assert.is_true(helpers.run_until({client}, function() return done ~= nil end, 10))
    assert.is_table(done)
    assert.is_not_nil(done.status) -- no such host: an error ends the stream
  end)
end)
