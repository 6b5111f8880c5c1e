-- examples/game_editor.lua as its own process: it attaches as host "lua-engine" (a tool
-- invokes engine.loadAsset on it), and resolves the path of a publish registered elsewhere.
local socket = require("socket")
local BridgeProcess = require("bridge_process")
local helpers = require("helpers")

local function read(path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local text = f:read("*a")
  f:close()
  return text
end

describe("the game editor example", function()
  local bridge, tool, out, rc_path, pid

  lazy_setup(function()
    bridge = BridgeProcess.start()
    tool = helpers.connect(bridge, {name = "tool"})
    out, rc_path = bridge.root .. "/editor.out", bridge.root .. "/editor.rc"
    local lua = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
    local p = io.popen(("PIPEBRIDGE_DISCOVERY_DIR='%s' sh -c '%s examples/game_editor.lua --seconds 30 --exit-after-publishes 1 >%s 2>&1; echo $? >%s' & echo $!")
      :format(bridge.discovery_dir, lua, out, rc_path))
    pid = tonumber(p:read("*l"))
    p:close()
  end)

  lazy_teardown(function()
    if pid and BridgeProcess.alive(pid) then os.execute("kill " .. pid) end
    if tool then tool:close() end
    if bridge then bridge:cleanup() end
  end)

  -- True once the editor printed text; false at the deadline or once it printed `failure`.
  local function wait_for_output(text, seconds, failure)
    local deadline = socket.gettime() + seconds
    while socket.gettime() < deadline do
      local printed = read(out)
      if printed:find(text, 1, true) then return true end
      if failure and printed:find(failure, 1, true) then return false end
      tool:poll()
      socket.sleep(0.02)
    end
    return false
  end

  it("attaches as lua-engine and runs engine.loadAsset for a tool", function()
    assert(wait_for_output("attached as lua-engine", 15, "host error"), "the editor did not attach:\n" .. read(out))
    local result, err = tool.hosts:invoke{host = {query = {application = "lua-engine"}}, command = "engine.loadAsset",
                                          args = {path = "/assets/hero_v003.abc"}}
    assert(result, tostring(err))
    assert.same({loaded = "/assets/hero_v003.abc", count = 1}, result.result)
    local _, bad = tool.hosts:invoke{host = {query = {application = "lua-engine"}}, command = "engine.loadAsset",
                                     args = {path = ""}}
    assert.equal("INVALID_ARGUMENT", bad.status)
    assert.truthy(wait_for_output("loaded /assets/hero_v003.abc", 5))
  end)

  it("resolves the path of a publish registered by another client, then exits", function()
    -- The editor's subscription is live only once the bridge has it: publish until one lands.
    local deadline = socket.gettime() + 20
    local version = 0
    while socket.gettime() < deadline and not read(out):find("resolved publish", 1, true) do
      version = version + 1
      local path = assert(tool.templates:apply{template = "maya_shot_publish", fields = {
        Sequence = "sq010", Shot = "sh020", Step = "anim", name = "layout", version = version, maya_extension = "ma"}}).path
      assert(tool.publishes:register{path = path, name = "layout", publishType = "Maya Scene",
        context = {project = {type = "Project", id = 1}, entity = {type = "Shot", id = 2}}})
      wait_for_output("resolved publish", 0.5)
    end
    local text = read(out)
    assert.truthy(text:find("resolved publish", 1, true), "nothing resolved:\n" .. text)
    assert.truthy(text:find("Shot sh020, step anim", 1, true), text)
    assert.truthy(text:find("Sequence=sq010 Shot=sh020", 1, true), text)
    local finish = socket.gettime() + 10
    while socket.gettime() < finish and read(rc_path) == "" do socket.sleep(0.05) end
    assert.equal("0", (read(rc_path):gsub("%s", "")), "exit status; output:\n" .. text)
  end)
end)
