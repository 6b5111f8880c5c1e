-- A game editor joining the pipeline without ever blocking its frame loop.
--
-- It attaches as host "lua-engine" offering engine.loadAsset (any tool, e.g. Python in Maya,
-- can ask the engine to load a published file), subscribes to publish.created, and resolves
-- each new publish's path: which template it fits and which shot/asset and step it belongs to.
--
-- Under LÖVE (love.update per frame) it hooks love.load/update/quit. Without LÖVE it drives
-- the same update() from a plain 60 fps loop:
--   lua examples/game_editor.lua [--seconds N] [--exit-after-publishes N] [--type TYPE]
--                                [--notify APPLICATION] [--from-beginning]
-- --type follows only publishes of that publish type; --notify tells that application's host
-- what the engine resolved (its "<application>.notify" command), e.g. the artist's Maya;
-- --from-beginning replays the event log first (nothing published while starting is missed).
-- The bridge is found through the discovery file ($PIPEBRIDGE_DISCOVERY_DIR, ...).
local here = (debug.getinfo(1, "S").source:match("^@(.*)/examples/[^/]*$")) or "."
package.path = here .. "/?.lua;" .. here .. "/?/init.lua;" .. package.path
local pipebridge = require("pipebridge")

local Editor = {loaded = {}, resolved = 0, notified = 0}

local function say(...)
  io.stdout:write(string.format(...), "\n")
  io.stdout:flush()
end

-- engine.loadAsset: a real engine would stream the file in; this one records it.
local function load_asset(args)
  if type(args.path) ~= "string" or args.path == "" then
    return nil, {code = "INVALID_ARGUMENT", message = "args.path: a file path is required"}
  end
  Editor.loaded[#Editor.loaded + 1] = args.path
  say("loaded %s (%d assets in the level)", args.path, #Editor.loaded)
  return {loaded = args.path, count = #Editor.loaded}
end

-- publish.created carries the PublishedFile entity; fetch the publish, then ask the bridge
-- what its path means. Every step is a callback: the frame loop never waits.
local function resolve_publish(event)
  local id = event.payload and event.payload.entity and event.payload.entity.id
  if not id then return end
  Editor.client.publishes:get({id = id}, function(result, err)
    if not result then return say("cannot read publish %s: %s", tostring(id), tostring(err)) end
    local publish = result.publish
    say("publish %d %s v%d (%s): %s", publish.id, publish.name, publish.version, publish.publishType, publish.path)
    Editor.client.context:from_path({path = publish.path}, function(ctx, cerr)
      if not ctx then return say("cannot resolve %s: %s", publish.path, tostring(cerr)) end
      local fields = ctx.fields or {}
      local entity = ctx.context and ctx.context.entity or {}
      local step = ctx.context and ctx.context.step or {}
      say("resolved publish %d: template %s, %s %s, step %s, fields Sequence=%s Shot=%s",
          publish.id, ctx.template ~= "" and ctx.template or "(none)", tostring(entity.type),
          tostring(entity.name), tostring(step.name), tostring(fields.Sequence), tostring(fields.Shot))
      Editor.resolved = Editor.resolved + 1
      if Editor.notify then
        local app = Editor.notify
        Editor.client.hosts:invoke({host = {query = {application = app}}, command = app .. ".notify",
          args = {from = "lua-engine", publish = publish.id, path = publish.path,
                  template = ctx.template, shot = fields.Shot}},
          function(answer, ierr)
            if not answer then return say("cannot notify %s: %s", app, tostring(ierr)) end
            Editor.notified = Editor.notified + 1
            say("notified %s of publish %d", app, publish.id)
          end)
      end
    end)
  end)
end

function Editor.load()
  local client, err = pipebridge.connect{name = "game-editor", version = "1.0",
    on_state = function(state, serr)
      say("bridge %s%s", state, serr and (": " .. tostring(serr)) or "")
    end}
  if not client then error("cannot start the pipebridge client: " .. tostring(err)) end
  Editor.client = client
  client:attach_host{
    application = "lua-engine", display_name = "Lua game editor",
    commands = {
      {name = "engine.loadAsset", title = "Load asset", description = "Loads a published file into the level",
       args_schema = {type = "object", properties = {path = {type = "string"}}, required = {"path"}},
       handler = load_asset},
    },
    on_attached = function(host) say("attached as lua-engine (host %s)", tostring(host and host.id)) end,
    on_error = function(aerr) say("host error: %s", tostring(aerr)) end,
  }
  local filters = Editor.type and {{"payload.changes.published_file_type.new", "is", Editor.type}} or nil
  client.events:subscribe({topics = {"publish.created"}, filters = filters,
                           fromBeginning = Editor.from_beginning or nil}, resolve_publish,
                          {on_error = function(serr) say("subscription ended: %s", tostring(serr)) end})
  say("subscribed to publish.created")
end

function Editor.update(dt)
  Editor.client:poll() -- delivers answers, events and invocations; never blocks
end

function Editor.quit()
  if Editor.client then Editor.client:close() end
end

if rawget(_G, "love") then
  function love.load() Editor.load() end
  function love.update(dt) Editor.update(dt) end
  function love.quit() Editor.quit() end
  return Editor
end

-- No LÖVE: a plain frame loop.
local socket = require("socket")
local seconds, exit_after = 60, nil
local i = 1
while arg and arg[i] do
  if arg[i] == "--seconds" then seconds = tonumber(arg[i + 1]) or seconds
  elseif arg[i] == "--exit-after-publishes" then exit_after = tonumber(arg[i + 1])
  elseif arg[i] == "--type" then Editor.type = arg[i + 1]
  elseif arg[i] == "--notify" then Editor.notify = arg[i + 1]
  elseif arg[i] == "--from-beginning" then Editor.from_beginning = true; i = i - 1
  else error("unknown argument " .. arg[i] .. " (use --seconds N, --exit-after-publishes N, --type TYPE, --notify APP, --from-beginning)") end
  i = i + 2
end

Editor.load()
local started, last = socket.gettime(), socket.gettime()
while socket.gettime() - started < seconds do
  local now = socket.gettime()
  Editor.update(now - last)
  last = now
  local done = Editor.notify and Editor.notified or Editor.resolved
  if exit_after and done >= exit_after then break end
  socket.sleep(1 / 60) -- the rest of the frame: rendering, physics...
end
Editor.quit()
say("editor stopped after %d resolved publishes", Editor.resolved)
