-- Every service of the contract through the helpers (client.entities:find{...}), against a
-- real bridge serving the demo project.
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")

describe("service helpers against a live bridge", function()
  local bridge, client

  lazy_setup(function()
    bridge = BridgeProcess.start()
    client = helpers.connect(bridge)
  end)

  lazy_teardown(function()
    if client then client:close() end
    if bridge then bridge:cleanup() end
  end)

  local function ok(result, err)
    assert(result, "call failed: " .. tostring(err))
    return result
  end

  local shot_context = {
    project = {type = "Project", id = 1},
    entity = {type = "Shot", id = 1},
    step = {type = "Step", id = 5},
  }

  describe("BridgeService", function()
    it("answers GetInfo and echoes Ping", function()
      local info = ok(client.bridge:get_info())
      assert.equal(1, info.protocolVersion)
      assert.equal("demo", info.project)
      assert.equal(bridge.pid, info.pid)
      local transports = {}
      for _, e in ipairs(info.endpoints) do transports[e.transport] = e.address end
      assert.equal(bridge.tcp_address, transports["jsonrpc-tcp"])
      assert.same({payload = "aGk="}, ok(client.bridge:ping{payload = "aGk="}))
    end)
  end)

  describe("EntityService", function()
    it("finds shots through a linked field, ordered", function()
      local result = ok(client.entities:find{
        entityType = "Shot", fields = {"code"},
        filters = {{"sg_sequence.Sequence.code", "is", "sq020"}},
        order = {{fieldName = "code", direction = "SORT_DIRECTION_DESC"}},
      })
      local codes = {}
      for _, e in ipairs(result.entities) do codes[#codes + 1] = e.code end
      assert.same({"sh060", "sh050", "sh040"}, codes)
      assert.is_false(result.hasMore)
    end)

    it("creates, gets, updates, retires and revives an entity", function()
      local created = ok(client.entities:create{
        entityType = "Shot", data = {code = "sh990", sg_sequence = {type = "Sequence", id = 1}}}).entity
      assert.equal("Shot", created.type)
      assert.equal("sh990", created.code)
      local id = created.id
      assert.equal("number", type(id))
      assert.equal(id, math.floor(id))

      local got = ok(client.entities:get{entityType = "Shot", id = id, fields = {"code", "sg_sequence"}}).entity
      assert.equal("sh990", got.code)
      assert.equal("sq010", got.sg_sequence.name)

      local updated = ok(client.entities:update{entityType = "Shot", id = id, data = {description = "moved"},
                                                returnFields = {"description"}}).entity
      assert.equal("moved", updated.description)

      assert.is_true(ok(client.entities:delete{entityType = "Shot", id = id}).retired)
      local _, err = client.entities:get{entityType = "Shot", id = id}
      assert.equal(5, err.code)
      assert.equal("NOT_FOUND", err.status)
      assert.is_true(ok(client.entities:revive{entityType = "Shot", id = id}).revived)
      assert.equal("sh990", ok(client.entities:get{entityType = "Shot", id = id}).entity.code)
    end)

    it("applies a batch all-or-nothing and names the failing request", function()
      local result = ok(client.entities:batch{requests = {
        {create = {entityType = "Asset", data = {code = "crate"}}},
        {create = {entityType = "Asset", data = {code = "barrel"}}},
      }})
      assert.equal(2, #result.results)
      assert.equal("barrel", result.results[2].entity.code)

      local _, err = client.entities:batch{requests = {
        {create = {entityType = "Asset", data = {code = "never_stored"}}},
        {create = {entityType = "Asset", data = {code = 42}}},
      }}
      assert.equal("INVALID_ARGUMENT", err.status)
      assert.truthy(err.message:find("requests[1]", 1, true), err.message)
      local none = ok(client.entities:find{entityType = "Asset", filters = {{"code", "is", "never_stored"}}})
      assert.equal(0, #none.entities)
    end)

    it("describes the schema and summarizes", function()
      local schema = ok(client.entities:schema{entityType = "Shot"})
      assert.equal(1, #schema.entityTypes)
      local fields = {}
      for _, f in ipairs(schema.entityTypes[1].fields) do fields[f.name] = f end
      assert.equal("FIELD_TYPE_ENTITY", fields.sg_sequence.dataType)

      local summary = ok(client.entities:summarize{
        entityType = "Shot", filters = {{"sg_sequence.Sequence.code", "is", "sq010"}},
        summaryFields = {{field = "id", type = "count"}}})
      assert.is_true(summary.summaries.id >= 3)
    end)
  end)

  describe("TemplateService and ContextService", function()
    local fields = {Sequence = "sq010", Shot = "sh010", Step = "anim", name = "main", version = 3, maya_extension = "ma"}

    it("lists, applies and parses templates", function()
      local list = ok(client.templates:list_templates{})
      local names = {}
      for _, t in ipairs(list.templates) do names[t.name] = t end
      assert.truthy(names.maya_shot_publish)
      assert.is_true(#list.ambiguities >= 1) -- shot_notes vs shot_notes_by_user

      local path = ok(client.templates:apply{template = "maya_shot_publish", fields = fields}).path
      assert.truthy(path:find("sequences/sq010/sh010/anim/publish/maya/sh010_main_v003.ma", 1, true), path)

      local parsed = ok(client.templates:parse{template = "maya_shot_publish", path = path}).fields
      assert.same(fields, parsed)
      assert.equal(3, parsed.version)

      local matched = ok(client.templates:match{paths = {path}}).results[1]
      assert.equal("maya_shot_publish", matched.matches[1].template)
    end)

    it("explains a mismatch, validates and lists missing keys", function()
      local path = ok(client.templates:apply{template = "maya_shot_publish", fields = fields}).path
      local explained = ok(client.templates:explain{template = "nuke_shot_work", path = path})
      assert.is_false(explained.matches)
      assert.truthy(#explained.reason > 0)

      local validation = ok(client.templates:validate{template = "maya_shot_publish",
                                                      fields = {Sequence = "sq010", version = "three"}})
      assert.is_false(validation.valid)
      assert.is_true(#validation.problems >= 1)

      local missing = ok(client.templates:missing_keys{template = "maya_shot_publish", fields = {Sequence = "sq010"}})
      local set = {}
      for _, k in ipairs(missing.keys) do set[k] = true end
      assert.is_true(set.Shot and set.version and not set.Sequence)
    end)

    it("finds the context of a path and of an entity, and serializes it", function()
      local path = ok(client.templates:apply{template = "maya_shot_publish", fields = fields}).path
      local from_path = ok(client.context:from_path{path = path})
      assert.equal("maya_shot_publish", from_path.template)
      assert.equal("sh010", from_path.context.entity.name)
      assert.equal("anim", from_path.context.step.name)

      local from_task = ok(client.context:from_entity{entity = {type = "Task", id = 1}}).context
      assert.equal("hero", from_task.entity.name)
      assert.equal("model", from_task.step.name)

      local to_fields = ok(client.context:to_fields{context = from_path.context}).fields
      assert.equal("sh010", to_fields.Shot)
      assert.equal("sq010", to_fields.Sequence)

      local serialized = ok(client.context:serialize{context = from_path.context}).serialized
      assert.equal("string", type(serialized))
      local back = ok(client.context:deserialize{serialized = serialized}).context
      assert.equal(from_path.context.entity.id, back.entity.id)
    end)
  end)

  describe("PublishService", function()
    it("reserves, registers, finds and follows dependencies", function()
      local reserved = ok(client.publishes:reserve_version{context = shot_context, name = "cam", publishType = "Alembic Cache"})
      assert.equal(1, reserved.version)

      local cache = ok(client.publishes:register{
        path = "/demo/sh010/cam_v001.abc", name = "cam", publishType = "Alembic Cache",
        version = reserved.version, context = shot_context}).publish
      assert.equal(1, cache.version)
      local scene = ok(client.publishes:register{
        path = "/demo/sh010/anim_v001.ma", name = "anim", publishType = "Maya Scene",
        context = shot_context, dependencies = {{id = cache.id}}, metadata = {frames = 120}}).publish
      assert.equal(1, scene.version) -- version 0: reserved on registration
      assert.same({cache.id}, scene.dependencyIds)

      assert.equal("anim", ok(client.publishes:get{path = "/demo/sh010/anim_v001.ma"}).publish.name)
      assert.equal(120, ok(client.publishes:get{id = scene.id}).publish.metadata.frames)

      local latest = ok(client.publishes:find_latest{context = shot_context, name = "cam"}).publishes
      assert.equal(1, #latest)
      assert.equal(cache.id, latest[1].id)

      local found = ok(client.publishes:find{filters = {{"publish_type", "is", "Maya Scene"}}}).publishes
      assert.equal(scene.id, found[#found].id)

      local up = ok(client.publishes:upstream{id = scene.id}).publishes
      assert.equal(cache.id, up[1].publish.id)
      assert.equal(1, up[1].depth)
      local down = ok(client.publishes:downstream{id = cache.id}).publishes
      assert.equal(scene.id, down[1].publish.id)
      local stale = ok(client.publishes:stale_if_republished{id = cache.id}).publishes
      assert.equal(scene.id, stale[1].publish.id)

      local _, err = client.publishes:register{path = "/demo/sh010/cam_v001_again.abc", name = "cam",
                                               publishType = "Alembic Cache", version = 1, context = shot_context}
      assert.equal("ALREADY_EXISTS", err.status)
      assert.equal(6, err.code)
    end)
  end)

  describe("EventService and HostService", function()
    it("publishes a custom event and lists it back", function()
      local event = ok(client.events:publish{topic = "review.requested", payload = {shot = "sh010"}}).event
      assert.equal("review.requested", event.topic)
      assert.equal("string", type(event.id)) -- int64: a string in ProtoJSON
      local listed = ok(client.events:list{topics = {"review.*"}}).events
      assert.equal(event.id, listed[#listed].id)
      assert.equal("sh010", listed[#listed].payload.shot)
    end)

    it("lists hosts and refuses to invoke a host that is not there", function()
      local hosts = ok(client.hosts:list_hosts{application = "no-such-app"}).hosts
      assert.equal(0, #hosts)
      local _, err = client.hosts:invoke{host = {query = {application = "no-such-app"}}, command = "x.y", args = {}}
      assert.is_table(err)
      assert.is_true(err.code == 5 or err.code == 14, tostring(err))
    end)
  end)
end)
